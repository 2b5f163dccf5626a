//! Takes js-sys's JSPI task waker out of a wasm-bindgen output, so wasm-opt can drop its code.
//!
//! js-sys exports `__wbg_jspi_task_poll` (`#[no_mangle]`) from every module that links it, so the
//! linker keeps the poll loop and, through the `Waker` it builds, the waker's vtable: its four
//! functions get function-table slots. wasm-bindgen deletes the export from a module without JSPI
//! exports (the poll loop goes with it), but not the table slots, which the vtable's data still
//! numbers; a slot is a root for wasm-opt, so the four functions stay, with what they call
//! (`SpawnedTask::wake`, the task's drop): about 300 B raw that nothing can reach. Here those slots
//! are pointed at another function of the same segment, which is sound because nothing builds the
//! waker any more; when the poll loop is still there (a module with JSPI exports), nothing changes.
//!
//! The same for wasm-bindgen's closure invoke shims (`wasm_bindgen::convert::closures::_::invoke`,
//! one per closure type that any linked import names, js-sys's included): their slots exist only
//! because a describe function took the shim's address (`describe_invoke`), and wasm-bindgen has
//! read and deleted those. The glue calls a closure through an export that calls its shim
//! directly, and the function table is not exported, so no slot of a shim is ever called; the
//! shims of closure types the code never makes (in the replay chunk about 45, 1.7 KB raw) go.

use crate::Result;
use crate::minify::{leb, name, push_leb};

/// Function-name prefix of the waker's vtable entries (the name section's demangled names).
const WAKER: &str = "js_sys::futures::jspi::task_waker::";
/// Function-name prefix of wasm-bindgen's closure invoke shims.
const INVOKE: &str = "wasm_bindgen::convert::closures::_::invoke::";
/// Names that mean the poll loop, which builds the waker, is still linked.
const POLLER: &[&str] = &["jspi_task_poll", "SpawnedTask::poll"];

/// `wasm` with the waker's and the invoke shims' table slots pointed elsewhere.
pub(crate) fn unwake(wasm: &[u8]) -> Result<Vec<u8>> {
    let sections = sections(wasm)?;
    // The indices of the waker's functions and of the invoke shims; none of the waker's when the
    // poll loop, which builds it, is still linked.
    let names = function_names(name_section(&sections)?)?;
    let poller = names.iter().any(|(_, text)| POLLER.iter().any(|p| text.contains(p)));
    let waker: Vec<u32> = names
        .iter()
        .filter(|(_, text)| (text.starts_with(WAKER) && !poller) || text.starts_with(INVOKE))
        .map(|&(index, _)| index)
        .collect();
    if waker.is_empty() {
        return Ok(wasm.to_vec());
    }
    let mut out = wasm.get(..8).ok_or("not a wasm module")?.to_vec();
    for (id, body) in sections {
        let body = if id == 9 { elements(body, &waker)? } else { body.to_vec() };
        out.push(id);
        push_leb(&mut out, body.len() as u32);
        out.extend_from_slice(&body);
    }
    Ok(out)
}

/// Each section's id and contents, in order.
pub(crate) fn sections(wasm: &[u8]) -> Result<Vec<(u8, &[u8])>> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0") {
        return Err("not a wasm module".to_owned());
    }
    let mut at = 8;
    let mut out = Vec::new();
    while at < wasm.len() {
        let id = wasm[at];
        let (size, len) = leb(wasm, at + 1)?;
        let start = at + 1 + len;
        let end = start + size as usize;
        out.push((id, wasm.get(start..end).ok_or("truncated section")?));
        at = end;
    }
    Ok(out)
}

/// The module's name section (`sections` as [`sections`] answers them).
pub(crate) fn name_section<'a>(sections: &[(u8, &'a [u8])]) -> Result<&'a [u8]> {
    sections
        .iter()
        .find_map(|&(id, body)| (id == 0 && name(body, 0).ok()?.0 == "name").then_some(body))
        .ok_or_else(|| "no name section (wasm-bindgen keeps it)".to_owned())
}

/// The name section's function names, by function index.
pub(crate) fn function_names(section: &[u8]) -> Result<Vec<(u32, String)>> {
    let (_, mut at) = name(section, 0)?;
    let mut names = Vec::new();
    while at < section.len() {
        let sub = section[at];
        let (size, len) = leb(section, at + 1)?;
        let start = at + 1 + len;
        at = start + size as usize;
        if sub != 1 {
            continue;
        }
        let (count, len) = leb(section, start)?;
        let mut i = start + len;
        for _ in 0..count {
            let (index, len) = leb(section, i)?;
            let (text, next) = name(section, i + len)?;
            i = next;
            names.push((index, text));
        }
    }
    Ok(names)
}

/// The element section with every slot of a `waker` function (or invoke shim) pointed at the
/// first other function of its segment. Only function-index segments (flags 0 to 3) are expected.
fn elements(content: &[u8], waker: &[u32]) -> Result<Vec<u8>> {
    let (count, mut at) = leb(content, 0)?;
    let mut body = Vec::new();
    push_leb(&mut body, count);
    for _ in 0..count {
        let (flags, len) = leb(content, at)?;
        let head = at;
        at += len;
        if flags == 2 {
            at += leb(content, at)?.1;
        }
        if flags == 0 || flags == 2 {
            at = skip_const_expr(content, at)?;
        }
        if flags == 1 || flags == 2 || flags == 3 {
            // elemkind: 0 = funcref
            if content.get(at) != Some(&0) {
                return Err("an element segment that is not of funcref".to_owned());
            }
            at += 1;
        }
        if flags > 3 {
            return Err(format!("an element segment of expressions (flags {flags})"));
        }
        body.extend_from_slice(content.get(head..at).ok_or("truncated element segment")?);
        let (n, len) = leb(content, at)?;
        at += len;
        let mut funcs = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let (f, len) = leb(content, at)?;
            at += len;
            funcs.push(f);
        }
        let other = funcs.iter().copied().find(|f| !waker.contains(f));
        push_leb(&mut body, n);
        for f in funcs {
            push_leb(&mut body, if waker.contains(&f) { other.unwrap_or(f) } else { f });
        }
    }
    Ok(body)
}

/// Past a constant expression (`i32.const n end` or `global.get g end`).
fn skip_const_expr(content: &[u8], at: usize) -> Result<usize> {
    match content.get(at) {
        Some(0x41 | 0x23) => {}
        _ => return Err("an element segment offset that is not i32.const or global.get".to_owned()),
    }
    let mut i = at + 1;
    // Its (s)LEB128 immediate.
    while content.get(i).ok_or("truncated offset")? & 0x80 != 0 {
        i += 1;
    }
    i += 1;
    if content.get(i) != Some(&0x0b) {
        return Err("an element segment offset longer than one instruction".to_owned());
    }
    Ok(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minify::push_name;

    /// A module whose table holds functions 0, 1 and 2 (flags-2 segment at offset 1), named
    /// `a`, the waker's `raw_clone` and `extra`.
    fn module(extra: &str) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let elem = [1, 2, 0, 0x41, 1, 0x0b, 0, 3, 0, 1, 2];
        wasm.push(9);
        push_leb(&mut wasm, elem.len() as u32);
        wasm.extend_from_slice(&elem);
        let mut map = vec![3];
        for (i, n) in ["a", &format!("{WAKER}raw_clone::h1"), extra].iter().enumerate() {
            map.push(i as u8);
            push_name(&mut map, n);
        }
        let mut names = Vec::new();
        push_name(&mut names, "name");
        names.push(1);
        push_leb(&mut names, map.len() as u32);
        names.extend_from_slice(&map);
        wasm.push(0);
        push_leb(&mut wasm, names.len() as u32);
        wasm.extend_from_slice(&names);
        wasm
    }

    #[test]
    fn waker_slots_point_elsewhere() {
        let out = unwake(&module("b")).unwrap();
        let elem = &sections(&out).unwrap()[0].1;
        assert_eq!(elem, &[1, 2, 0, 0x41, 1, 0x0b, 0, 3, 0, 0, 2]);
        assert_eq!(sections(&out).unwrap()[1], sections(&module("b")).unwrap()[1]);
    }

    #[test]
    fn invoke_shim_slots_point_elsewhere() {
        let out = unwake(&module(&format!("{INVOKE}h2"))).unwrap();
        let elem = &sections(&out).unwrap()[0].1;
        assert_eq!(elem, &[1, 2, 0, 0x41, 1, 0x0b, 0, 3, 0, 0, 0]);
    }

    #[test]
    fn untouched_while_the_poller_is_linked() {
        let wasm = module("__wbg_jspi_task_poll");
        assert_eq!(unwake(&wasm).unwrap(), wasm);
    }
}
