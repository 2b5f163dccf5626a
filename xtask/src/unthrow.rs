//! Makes wasm-bindgen's `throw_str` a trap in the wasm of every bundle and of the replay chunk, so
//! wasm-opt drops the `__wbindgen_throw` import it calls, and the glue's shim of that import goes
//! with it.
//!
//! In each the only callers of `throw_str` are closure invoke shims (the build stops otherwise:
//! [`unthrow`] finds every function whose code names it), and their only call that wasm-opt keeps
//! is the branch for a closure pointer of zero ("closure invoked recursively or after being
//! dropped"), the other (an argument that fails to convert) being none for `u32` and `JsValue`
//! arguments. That branch never runs: the glue's `makeClosure` is a plain wrapper (`sdk.rs`'s
//! `keep_closures`, which stops at a glue that frees closures) that always passes the closure's
//! own pointer, a `Box`'s, never zero, and no closure is ever freed (the tracker's and the form's
//! one callback lives as long as the page, and the wasm holds it). A trap
//! there would throw into the page as the `Error` did (neither can happen). The message itself
//! stays in the data segment, which the linker laid out already (zeroed, it measured 51 B less in
//! the replay's wasm, but a byte search cannot prove that no code reads there: a table that ends
//! where the message starts is read at constant addresses inside it); in the tracker's wasm
//! `unsaid.rs` zeroes it and checks wasm-opt's output for any address inside it instead.

use crate::Result;
use crate::minify::{leb, name, push_leb};
use crate::unwake::{function_names, name_section, sections};

/// Function-name prefix of wasm-bindgen's `throw_str` (the name section's demangled names).
const THROW_STR: &str = "wasm_bindgen::throw_str::";
/// Function-name prefix of wasm-bindgen's closure invoke shims, the only callers [`unthrow`] allows.
const INVOKE: &str = "wasm_bindgen::convert::closures::_::invoke::";
/// The name wasm-bindgen's import of the throw starts with, in the wasm and in the glue.
const IMPORT: &str = "__wbg___wbindgen_throw_";
/// The glue's shim of that import, after its name.
const SHIM: &str = ": function(arg0, arg1) {\n            throw new Error(getStringFromWasm0(arg0, arg1));\n        },\n";

/// `wasm` with the body of `throw_str` replaced by `unreachable`; as it is when there is none.
/// Fails when a function other than a closure invoke shim names `throw_str` in its code.
pub(crate) fn unthrow(wasm: &[u8]) -> Result<Vec<u8>> {
    let sections = sections(wasm)?;
    let names = function_names(name_section(&sections)?)?;
    let Some(&(index, _)) = names.iter().find(|(_, name)| name.starts_with(THROW_STR)) else {
        return Ok(wasm.to_vec());
    };
    let imported = match sections.iter().find(|&&(id, _)| id == 2) {
        Some(&(_, imports)) => function_imports(imports)?,
        None => 0,
    };
    let body = index.checked_sub(imported).ok_or("throw_str is an import")?;
    let code = sections.iter().find(|&&(id, _)| id == 10).map_or(&[][..], |&(_, code)| code);
    for caller in callers(code, imported, index)? {
        let name = names.iter().find(|&&(i, _)| i == caller).map_or("?", |(_, name)| name);
        if !name.starts_with(INVOKE) {
            return Err(format!("`{name}` calls throw_str, and may run: see unthrow.rs"));
        }
    }
    let mut out = wasm.get(..8).ok_or("not a wasm module")?.to_vec();
    for (id, content) in sections {
        let content = if id == 10 { trap(content, body)? } else { content.to_vec() };
        out.push(id);
        push_leb(&mut out, content.len() as u32);
        out.extend_from_slice(&content);
    }
    Ok(out)
}

/// `glue` without its shim of the throw import, which `wasm` (wasm-opt's output) must no longer
/// import; fails when it still does or when the shim is not there as written.
pub(crate) fn unimport(glue: &str, wasm: &[u8]) -> Result<String> {
    if wasm.windows(IMPORT.len()).any(|w| w == IMPORT.as_bytes()) {
        return Err("the wasm still imports wasm-bindgen's throw: see unthrow.rs".to_owned());
    }
    let at = glue.find(IMPORT).ok_or("the glue has no throw import: update unthrow.rs")?;
    let line = glue[..at].rfind('\n').map_or(0, |n| n + 1);
    let name_end = at + glue[at..].find(':').unwrap_or_default();
    if !glue[name_end..].starts_with(SHIM) || !glue[line..at].trim().is_empty() {
        return Err("the glue's throw shim changed: update unthrow.rs".to_owned());
    }
    Ok(format!("{}{}", &glue[..line], &glue[name_end + SHIM.len()..]))
}

/// The functions whose code names function `index` by a `call`, `return_call` or `ref.func`
/// instruction, their code read instruction by instruction (`wasmparser`), so an immediate that
/// only looks like such a call is not taken for one.
fn callers(code: &[u8], imported: u32, index: u32) -> Result<Vec<u32>> {
    use wasmparser::Operator::{Call, RefFunc, ReturnCall};
    let (count, mut at) = leb(code, 0)?;
    let mut found = Vec::new();
    for i in 0..count {
        let (size, len) = leb(code, at)?;
        let body = code.get(at + len..at + len + size as usize).ok_or("truncated code section")?;
        let mut ops = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(body, at + len))
            .get_operators_reader()
            .map_err(|e| format!("function {}: {e}", imported + i))?;
        at += len + size as usize;
        while !ops.eof() {
            let op = ops.read().map_err(|e| format!("function {}: {e}", imported + i))?;
            if let Call { function_index: f }
            | ReturnCall { function_index: f }
            | RefFunc { function_index: f } = op
                && f == index
            {
                found.push(imported + i);
                break;
            }
        }
    }
    Ok(found)
}

/// How many functions the import section imports (only function imports are expected, as in
/// `minify.rs`).
fn function_imports(content: &[u8]) -> Result<u32> {
    let (count, mut at) = leb(content, 0)?;
    for _ in 0..count {
        let (_, next) = name(content, at)?;
        let (field, next) = name(content, next)?;
        if content.get(next) != Some(&0) {
            return Err(format!("import {field} is not a function"));
        }
        at = next + 1 + leb(content, next + 1)?.1;
    }
    Ok(count)
}

/// The code section with function body number `body` replaced by `unreachable` (no locals).
fn trap(content: &[u8], body: u32) -> Result<Vec<u8>> {
    let (count, mut at) = leb(content, 0)?;
    if body >= count {
        return Err("throw_str has no body in the code section".to_owned());
    }
    let mut out = Vec::with_capacity(content.len());
    push_leb(&mut out, count);
    for i in 0..count {
        let (size, len) = leb(content, at)?;
        let end = at + len + size as usize;
        if i == body {
            // No local declarations, `unreachable`, `end`.
            out.extend_from_slice(&[3, 0, 0x00, 0x0b]);
        } else {
            out.extend_from_slice(content.get(at..end).ok_or("truncated code section")?);
        }
        at = end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minify::push_name;

    /// A module importing one function (`f`) and defining two, the first named `first` (and
    /// calling the second when `calls`), the second named `throw_str`.
    fn module(first: &str, calls: bool) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let mut imports = vec![1];
        push_name(&mut imports, "m");
        push_name(&mut imports, "f");
        imports.extend_from_slice(&[0, 0]);
        wasm.push(2);
        push_leb(&mut wasm, imports.len() as u32);
        wasm.extend_from_slice(&imports);
        // Two bodies: `end` (or `call 2, end`), and `local.get 0, call 0, unreachable, end`.
        let mut code = if calls { vec![2, 4, 0, 0x10, 2, 0x0b] } else { vec![2, 2, 0, 0x0b] };
        code.extend_from_slice(&[6, 0, 0x20, 0, 0x10, 0, 0x00]);
        wasm.push(10);
        push_leb(&mut wasm, code.len() as u32);
        wasm.extend_from_slice(&code);
        let mut map = vec![2, 1];
        push_name(&mut map, first);
        map.push(2);
        push_name(&mut map, &format!("{THROW_STR}h1"));
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
    fn throw_str_becomes_a_trap() {
        let module = module("start", false);
        let out = unthrow(&module).unwrap();
        let code = sections(&out).unwrap()[1].1;
        assert_eq!(code, &[2, 2, 0, 0x0b, 3, 0, 0x00, 0x0b]);
        assert_eq!(sections(&out).unwrap()[0], sections(&module).unwrap()[0]);
    }

    #[test]
    fn only_closure_invoke_shims_may_call_throw_str() {
        let invoke = unthrow(&module(&format!("{INVOKE}h2"), true)).unwrap();
        assert_eq!(sections(&invoke).unwrap()[1].1, &[2, 4, 0, 0x10, 2, 0x0b, 3, 0, 0x00, 0x0b]);
        let err = unthrow(&module("pulsegate_sdk::form::submit", true)).unwrap_err();
        assert!(err.contains("`pulsegate_sdk::form::submit` calls throw_str"), "{err}");
        // Also as a linker leaves the index, padded to five bytes.
        let mut padded = module("start", false);
        let at = padded.windows(4).position(|w| w == [2, 2, 0, 0x0b]).unwrap();
        padded.splice(at..at + 4, [2, 8, 0, 0x12, 0x82, 0x80, 0x80, 0x80, 0, 0x0b]);
        let len = padded[at - 1] as usize + 6;
        padded[at - 1] = len as u8;
        assert!(unthrow(&padded).unwrap_err().contains("`start` calls throw_str"));
    }

    #[test]
    fn an_immediate_that_looks_like_a_call_is_none() {
        // `i32.const 16` then `block end` and `drop`: the bytes `0x10 2` are an immediate and an
        // opcode, not `call 2`.
        let mut module = module("pulsegate_sdk::form::submit", false);
        let at = module.windows(4).position(|w| w == [2, 2, 0, 0x0b]).unwrap();
        module.splice(at..at + 4, [2, 8, 0, 0x41, 0x10, 0x02, 0x40, 0x0b, 0x1a, 0x0b]);
        module[at - 1] += 6;
        assert!(module.windows(2).any(|w| w == [0x10, 2]));
        let out = unthrow(&module).unwrap();
        assert_eq!(
            sections(&out).unwrap()[1].1[..10],
            [2, 8, 0, 0x41, 0x10, 0x02, 0x40, 0x0b, 0x1a, 0x0b]
        );
    }

    #[test]
    fn the_glue_loses_the_shim_once_the_wasm_does() {
        let glue = format!(
            "    const import0 = {{\n        {IMPORT}0123{SHIM}        __wbg_add_1: function(arg0) {{\n"
        );
        assert_eq!(
            unimport(&glue, b"").unwrap(),
            "    const import0 = {\n        __wbg_add_1: function(arg0) {\n"
        );
        assert!(unimport(&glue, format!("..{IMPORT}0123..").as_bytes()).is_err());
        assert!(unimport("no shim", b"").is_err());
    }
}
