//! Zeroes wasm-bindgen's closure message in the tracker's (and `pulse.js`'s) data before
//! wasm-opt, which then leaves those zero bytes out of its data segments (memory starts zeroed),
//! and stops the build when the optimized wasm could still read them.
//!
//! The message ("closure invoked recursively or after being dropped") is what the closure invoke
//! shims' `throw_str` is passed; [`crate::unthrow`] made that call a trap, after which wasm-opt
//! drops the message's address and length along with it. Rust reaches a constant only from its
//! own address (a read past a table's end is out of bounds, never compiled), so the message is
//! unread when no code constant, memory access offset, global initializer or data word of the
//! optimized wasm names an address inside it: [`unnamed`] checks exactly that.

use std::ops::Range;

use wasmparser::{DataKind, Operator, Parser, Payload};

use crate::Result;

/// wasm-bindgen's message for a closure invoked after it was dropped (or while it runs).
const MESSAGE: &[u8] = b"closure invoked recursively or after being dropped";

/// `wasm` with [`MESSAGE`]'s bytes zeroed, and the addresses they have in memory. Fails when the
/// message is not in the module exactly once, inside an active data segment placed by an
/// `i32.const`.
pub(crate) fn unsay(wasm: &[u8]) -> Result<(Vec<u8>, Range<u32>)> {
    let at = wasm.windows(MESSAGE.len()).position(|w| w == MESSAGE);
    let Some(at) = at.filter(|&at| !wasm[at + 1..].windows(MESSAGE.len()).any(|w| w == MESSAGE))
    else {
        return Err("wasm-bindgen's closure message is not in the wasm once: see unsaid.rs".into());
    };
    for payload in Parser::new(0).parse_all(wasm) {
        let Payload::DataSection(data) = payload.map_err(|e| e.to_string())? else { continue };
        for segment in data {
            let segment = segment.map_err(|e| e.to_string())?;
            let start = segment.data.as_ptr() as usize - wasm.as_ptr() as usize;
            if at < start || at + MESSAGE.len() > start + segment.data.len() {
                continue;
            }
            let DataKind::Active { memory_index: 0, offset_expr } = segment.kind else {
                return Err("the closure message is in a passive segment: see unsaid.rs".into());
            };
            let mut ops = offset_expr.get_operators_reader();
            let Ok(Operator::I32Const { value }) = ops.read() else {
                return Err("the closure message's segment has no constant place".into());
            };
            let address = value as u32 + (at - start) as u32;
            let mut out = wasm.to_vec();
            out[at..at + MESSAGE.len()].fill(0);
            return Ok((out, address..address + MESSAGE.len() as u32));
        }
    }
    Err("the closure message is outside the data segments: see unsaid.rs".into())
}

/// Fails when `wasm` (wasm-opt's output) names an address in `range`: an `i32.const` or a
/// memory access's offset in its code or its globals' initializers, or four bytes of a data
/// segment read as a little-endian address (a pointer in a table).
pub(crate) fn unnamed(wasm: &[u8], range: Range<u32>) -> Result {
    let named = |value: u32, what: &str| -> Result {
        if range.contains(&value) {
            return Err(format!(
                "{what} names {value}, inside the zeroed closure message: see unsaid.rs"
            ));
        }
        Ok(())
    };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::CodeSectionEntry(body) => {
                let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
                while !ops.eof() {
                    check(&ops.read().map_err(|e| e.to_string())?, &named)?;
                }
            }
            Payload::GlobalSection(globals) => {
                for global in globals {
                    let global = global.map_err(|e| e.to_string())?;
                    let mut ops = global.init_expr.get_operators_reader();
                    while !ops.eof() {
                        check(&ops.read().map_err(|e| e.to_string())?, &named)?;
                    }
                }
            }
            Payload::DataSection(data) => {
                for segment in data {
                    for word in segment.map_err(|e| e.to_string())?.data.windows(4) {
                        named(u32::from_le_bytes([word[0], word[1], word[2], word[3]]), "data")?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `named` of the address an instruction names: its `i32.const`, or its memory access's offset.
fn check(op: &Operator<'_>, named: &impl Fn(u32, &str) -> Result) -> Result {
    use Operator::*;
    match op {
        I32Const { value } => named(*value as u32, "an i32.const"),
        I32Load { memarg }
        | I64Load { memarg }
        | F32Load { memarg }
        | F64Load { memarg }
        | I32Load8S { memarg }
        | I32Load8U { memarg }
        | I32Load16S { memarg }
        | I32Load16U { memarg }
        | I64Load8S { memarg }
        | I64Load8U { memarg }
        | I64Load16S { memarg }
        | I64Load16U { memarg }
        | I64Load32S { memarg }
        | I64Load32U { memarg }
        | I32Store { memarg }
        | I64Store { memarg }
        | F32Store { memarg }
        | F64Store { memarg }
        | I32Store8 { memarg }
        | I32Store16 { memarg }
        | I64Store8 { memarg }
        | I64Store16 { memarg }
        | I64Store32 { memarg } => {
            named(u32::try_from(memarg.offset).unwrap_or(u32::MAX), "a memory offset")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minify::push_leb;

    /// A module with one global (`i32.const global`), one function (`i32.const code`, `drop`)
    /// and one active data segment at 1024: four bytes of `word`, then the message, then "ok".
    fn module(global: i32, code: i32, word: u32) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let section = |wasm: &mut Vec<u8>, id: u8, content: &[u8]| {
            wasm.push(id);
            push_leb(wasm, content.len() as u32);
            wasm.extend_from_slice(content);
        };
        section(&mut wasm, 1, &[1, 0x60, 0, 0]);
        section(&mut wasm, 3, &[1, 0]);
        section(&mut wasm, 5, &[1, 0, 1]);
        let mut globals = vec![1, 0x7f, 0, 0x41];
        globals.extend(sleb(global));
        globals.push(0x0b);
        section(&mut wasm, 6, &globals);
        let mut body = vec![0, 0x41];
        body.extend(sleb(code));
        body.extend_from_slice(&[0x1a, 0x0b]);
        let mut code = vec![1];
        push_leb(&mut code, body.len() as u32);
        code.extend_from_slice(&body);
        section(&mut wasm, 10, &code);
        let mut bytes = word.to_le_bytes().to_vec();
        bytes.extend_from_slice(MESSAGE);
        bytes.extend_from_slice(b"ok");
        let mut data = vec![1, 0, 0x41];
        data.extend(sleb(1024));
        data.push(0x0b);
        push_leb(&mut data, bytes.len() as u32);
        data.extend_from_slice(&bytes);
        section(&mut wasm, 11, &data);
        wasm
    }

    /// `value` as a signed LEB128.
    fn sleb(mut value: i32) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0) {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }

    #[test]
    fn the_message_is_zeroed_where_it_lies() {
        let wasm = module(8, 16, 7);
        let (out, range) = unsay(&wasm).unwrap();
        assert_eq!(range, 1028..1028 + MESSAGE.len() as u32);
        assert_eq!(out.len(), wasm.len());
        let at = wasm.windows(MESSAGE.len()).position(|w| w == MESSAGE).unwrap();
        assert!(out[at..at + MESSAGE.len()].iter().all(|&b| b == 0));
        assert_eq!(out[..at], wasm[..at]);
        assert_eq!(out[at + MESSAGE.len()..], wasm[at + MESSAGE.len()..]);
        assert_eq!(unnamed(&out, range), Ok(()));
    }

    #[test]
    fn a_message_not_there_once_stops_the_build() {
        assert!(unsay(&module(8, 16, 7)[..40]).is_err());
        let mut twice = module(8, 16, 7);
        twice.extend_from_slice(MESSAGE);
        assert!(unsay(&twice).unwrap_err().contains("not in the wasm once"));
    }

    #[test]
    fn any_name_of_the_message_stops_the_build() {
        let range = unsay(&module(8, 16, 7)).unwrap().1;
        let err = unnamed(&module(8, 1030, 7), range.clone()).unwrap_err();
        assert!(err.contains("an i32.const names 1030"), "{err}");
        assert!(unnamed(&module(1028, 16, 7), range.clone()).unwrap_err().contains("i32.const"));
        assert!(unnamed(&module(8, 16, 1077), range.clone()).unwrap_err().contains("data"));
        // Just outside it, before and after.
        assert_eq!(unnamed(&module(1027, 1078, 1024), range), Ok(()));
    }

    #[test]
    fn a_memory_offset_inside_the_message_stops_the_build() {
        let named = |value: u32, what: &str| -> Result {
            if (1028..1078).contains(&value) { Err(what.to_owned()) } else { Ok(()) }
        };
        let load = |offset| Operator::I32Load {
            memarg: wasmparser::MemArg { align: 2, max_align: 2, offset, memory: 0 },
        };
        assert_eq!(check(&load(1040), &named).unwrap_err(), "a memory offset");
        assert_eq!(check(&load(1024), &named), Ok(()));
    }
}
