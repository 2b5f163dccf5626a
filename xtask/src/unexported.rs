//! Drops the exports of a wasm that its glue never names, before wasm-opt, so that the code only
//! they reached goes with them.
//!
//! wasm-bindgen exports `__wbindgen_free` (for strings the glue would take over; the replay
//! chunk's glue takes none), `__wbindgen_destroy_closure` (no bundle frees a closure: `sdk.rs`'s
//! `keep_closures`), `__wbindgen_realloc` where the glue's string copy no longer takes it, and its
//! `__abort_handler` and `__instance_terminated` globals, which no glue reads. The replay chunk
//! and the tracker's and the form's bundles lose them here (`sdk.rs`'s `DEAD_EXPORTS` and
//! `optimize`), `pulse.js` by wasm-metadce (`sdk.rs`'s `optimize`); the export section alone is
//! rewritten, and the module is otherwise left as it is.

use crate::Result;
use crate::minify::{leb, name, push_leb, push_name};
use crate::unwake::sections;

/// `wasm` without the exports named in `dead`; fails when one of them is not exported (a
/// wasm-bindgen that names them otherwise: look again at what the glue reads).
pub(crate) fn unexported(wasm: &[u8], dead: &[&str]) -> Result<Vec<u8>> {
    let mut out = wasm.get(..8).ok_or("not a wasm module")?.to_vec();
    let mut dropped = 0;
    for (id, content) in sections(wasm)? {
        let content = if id == 7 {
            let (count, mut at) = leb(content, 0)?;
            let mut kept = Vec::new();
            let mut n = 0;
            for _ in 0..count {
                let (field, next) = name(content, at)?;
                let kind = *content.get(next).ok_or("truncated export")?;
                let (index, len) = leb(content, next + 1)?;
                at = next + 1 + len;
                if dead.contains(&field.as_str()) {
                    dropped += 1;
                    continue;
                }
                push_name(&mut kept, &field);
                kept.push(kind);
                push_leb(&mut kept, index);
                n += 1;
            }
            let mut section = Vec::new();
            push_leb(&mut section, n);
            section.extend_from_slice(&kept);
            section
        } else {
            content.to_vec()
        };
        out.push(id);
        push_leb(&mut out, content.len() as u32);
        out.extend_from_slice(&content);
    }
    if dropped != dead.len() {
        return Err(format!("the wasm does not export all of {dead:?}"));
    }
    Ok(out)
}

/// The names `wasm` exports.
pub(crate) fn exports(wasm: &[u8]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for (id, content) in sections(wasm)? {
        if id == 7 {
            let (count, mut at) = leb(content, 0)?;
            for _ in 0..count {
                let (field, next) = name(content, at)?;
                at = next + 1 + leb(content, next + 1)?.1;
                names.push(field);
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(names: &[&str]) -> Vec<u8> {
        let mut exports = Vec::new();
        push_leb(&mut exports, names.len() as u32);
        for (i, n) in names.iter().enumerate() {
            push_name(&mut exports, n);
            exports.extend_from_slice(&[0, i as u8]);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(7);
        push_leb(&mut wasm, exports.len() as u32);
        wasm.extend_from_slice(&exports);
        wasm
    }

    #[test]
    fn the_exports_are_listed() {
        assert_eq!(exports(&module(&["a", "b"])).unwrap(), ["a", "b"]);
        assert!(exports(b"\0asm\x01\0\0\0").unwrap().is_empty());
    }

    #[test]
    fn only_the_named_exports_go() {
        let out = unexported(&module(&["a", "b", "c"]), &["b"]).unwrap();
        let sections = sections(&out).unwrap();
        let mut exports = vec![2];
        push_name(&mut exports, "a");
        exports.extend_from_slice(&[0, 0]);
        push_name(&mut exports, "c");
        exports.extend_from_slice(&[0, 2]);
        assert_eq!(sections, [(7, &exports[..])]);
        assert!(unexported(&module(&["a"]), &["b"]).is_err());
    }
}
