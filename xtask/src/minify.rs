//! Shortens the names the wasm and its JS glue agree on: wasm-bindgen names every import
//! `__wbg_<name>_<16 hex digits>` from module `./pulsegate_sdk_bg.js`, and every export after the
//! Rust item (`wasm_bindgen__convert__closures_____invoke__h…`). Both files carry each name, and
//! hashes do not compress: renaming them to `a`, `b`, … saves about a kilobyte gzip per bundle.
//!
//! The wasm's import and export sections are rewritten here (function imports only; anything
//! else stops the build; an import straight from a JS snippet module is named `a`, `b`, … by its
//! place among that module's, as in the table `narrow` writes for them); the glue gets the same
//! renames as whole-word replacements, and the build fails if an old name survives in it.
//!
//! The glue hands the wasm each snippet module it imports from directly as a namespace (`import *
//! as import1 from "./snippets/…/host.js"`): a bundler cannot tell which members the wasm reads, so
//! every export of the module stayed in the chunk. Those namespaces are replaced here by the
//! exports the wasm imports, by name, and esbuild drops the rest.

use std::collections::BTreeMap;

use crate::Result;

/// `(wasm, glue)` with the renames applied.
pub(crate) fn minify(wasm: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    let mut names = Names::default();
    let mut out = Vec::with_capacity(wasm.len());
    let header = wasm.get(..8).ok_or("not a wasm module")?;
    if header != b"\0asm\x01\0\0\0" {
        return Err("not a wasm module".to_owned());
    }
    out.extend_from_slice(header);
    let mut at = 8;
    let mut glue_renames: Vec<(String, String)> = Vec::new();
    let mut snippets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    while at < wasm.len() {
        let id = wasm[at];
        let (size, len) = leb(wasm, at + 1)?;
        let start = at + 1 + len;
        let end = start + size as usize;
        let content = wasm.get(start..end).ok_or("truncated section")?;
        let rewritten = match id {
            2 => Some(imports(content, &mut names, &mut glue_renames, &mut snippets)?),
            7 => Some(exports(content, &mut names, &mut glue_renames)?),
            _ => None,
        };
        match rewritten {
            Some(body) => {
                out.push(id);
                push_leb(&mut out, body.len() as u32);
                out.extend_from_slice(&body);
            }
            None => out.extend_from_slice(&wasm[at..end]),
        }
        at = end;
    }
    let mut glue = narrow(glue, &snippets)?;
    // Longest first, so that no name is replaced inside a longer one.
    glue_renames.sort_by_key(|(old, _)| std::cmp::Reverse(old.len()));
    for (old, new) in &glue_renames {
        glue = replace_word(&glue, old, new);
        if contains_word(&glue, old) {
            return Err(format!("the glue still names `{old}`"));
        }
    }
    Ok((out, glue))
}

/// Short names, handed out in order, one per distinct original.
#[derive(Default)]
struct Names {
    given: BTreeMap<String, String>,
}

impl Names {
    fn short(&mut self, original: &str) -> String {
        let next = self.given.len();
        self.given.entry(original.to_owned()).or_insert_with(|| short_name(next)).clone()
    }
}

/// `a`…`z`, `A`…`Z`, then `aa`, `ab`, … (property names; no identifier rules apply).
fn short_name(mut n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(ALPHABET[n % ALPHABET.len()]);
        n /= ALPHABET.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The import section: module and field names of function imports renamed (fields of snippet
/// modules by their place in `snippets`). Modules are renamed too (`./pulsegate_sdk_bg.js`, `./snippets/…/host.js`),
/// as quoted strings in the glue (a snippet's only as the import table's key).
fn imports(
    content: &[u8],
    names: &mut Names,
    renames: &mut Vec<(String, String)>,
    snippets: &mut BTreeMap<String, Vec<String>>,
) -> Result<Vec<u8>> {
    let (count, mut at) = leb(content, 0)?;
    let mut body = Vec::new();
    push_leb(&mut body, count);
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for _ in 0..count {
        let (module, next) = name(content, at)?;
        let (field, next) = name(content, next)?;
        let kind = *content.get(next).ok_or("truncated import")?;
        if kind != 0 {
            return Err(format!("import {module}.{field} is not a function"));
        }
        let (type_index, len) = leb(content, next + 1)?;
        at = next + 1 + len;
        let module_count = modules.len();
        let short_module = modules
            .entry(module.clone())
            .or_insert_with(|| short_name(module_count).to_uppercase())
            .clone();
        push_name(&mut body, &short_module);
        // Imports straight from a JS snippet module are named by their place among that module's
        // imports (`narrow` writes the glue's table of them under the same names).
        if module.starts_with("./snippets/") {
            let fields = snippets.entry(module.clone()).or_default();
            let place = fields.iter().position(|f| *f == field).unwrap_or_else(|| {
                fields.push(field);
                fields.len() - 1
            });
            push_name(&mut body, &short_name(place));
        } else {
            let short_field = names.short(&field);
            renames.push((field, short_field.clone()));
            push_name(&mut body, &short_field);
        }
        body.push(0);
        push_leb(&mut body, type_index);
    }
    for (module, short) in modules {
        if module.starts_with("./snippets/") {
            // Only the import table's key: the glue's `import … from "./snippets/…"` statements
            // keep the path esbuild resolves.
            renames.push((format!("\"{module}\":"), format!("\"{short}\":")));
        } else {
            renames.push((format!("\"{module}\""), format!("\"{short}\"")));
        }
    }
    Ok(body)
}

/// `glue` with its namespace imports of snippet modules (`import * as import1 from "<module>"`,
/// and `"<module>": import1,` in the import table, once per import) replaced by one named import
/// of the exports the wasm imports from each module (`snippets`) and one object of them in the
/// table. Fails when the glue does not read as expected, so that the wasm is never handed a
/// module without one of its imports.
fn narrow(glue: &str, snippets: &BTreeMap<String, Vec<String>>) -> Result<String> {
    // The binding of export `field` of the `k`-th snippet module.
    let local = |k: usize, field: &str| format!("snippet{k}_{field}");
    let mut namespaces: BTreeMap<String, String> = BTreeMap::new();
    let mut in_table: Vec<String> = Vec::new();
    let mut out = String::with_capacity(glue.len());
    for line in glue.split_inclusive('\n') {
        let text = line.trim();
        if let Some(rest) = text.strip_prefix("import * as ") {
            let (var, from) =
                rest.split_once(" from ").ok_or("a namespace import without `from`")?;
            let module = from.trim_end_matches(';').trim_matches(['"', '\'']);
            if namespaces.is_empty() {
                for (k, (module, fields)) in snippets.iter().enumerate() {
                    let list: Vec<String> =
                        fields.iter().map(|f| format!("{f} as {}", local(k, f))).collect();
                    out.push_str(&format!("import {{ {} }} from \"{module}\";\n", list.join(", ")));
                }
            }
            namespaces.insert(var.to_owned(), module.to_owned());
            continue;
        }
        let entry = text.strip_suffix(',').and_then(|t| t.split_once("\": "));
        if let Some((quoted, var)) = entry
            && let Some(module) = namespaces.get(var)
            && quoted.strip_prefix('"') == Some(module.as_str())
        {
            let (k, (_, fields)) = snippets
                .iter()
                .enumerate()
                .find(|(_, (m, _))| *m == module)
                .ok_or_else(|| format!("the glue imports {module}, the wasm does not"))?;
            if !in_table.contains(module) {
                in_table.push(module.clone());
                let members: Vec<String> = fields
                    .iter()
                    .enumerate()
                    .map(|(place, f)| format!("{}: {}", short_name(place), local(k, f)))
                    .collect();
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push_str(&format!("{indent}\"{module}\": {{ {} }},\n", members.join(", ")));
            }
            continue;
        }
        out.push_str(line);
    }
    for module in snippets.keys() {
        if !in_table.contains(module) {
            return Err(format!("the glue's import table has no namespace of {module}"));
        }
    }
    for var in namespaces.keys() {
        if contains_word(&out, var) {
            return Err(format!("the glue still uses the namespace `{var}`"));
        }
    }
    Ok(out)
}

/// The export section: every export renamed (the glue reads them as `wasm.<name>`).
fn exports(
    content: &[u8],
    names: &mut Names,
    renames: &mut Vec<(String, String)>,
) -> Result<Vec<u8>> {
    let (count, mut at) = leb(content, 0)?;
    let mut body = Vec::new();
    push_leb(&mut body, count);
    for _ in 0..count {
        let (field, next) = name(content, at)?;
        let kind = *content.get(next).ok_or("truncated export")?;
        let (index, len) = leb(content, next + 1)?;
        at = next + 1 + len;
        let short = names.short(&field);
        renames.push((format!("wasm.{field}"), format!("wasm.{short}")));
        push_name(&mut body, &short);
        body.push(kind);
        push_leb(&mut body, index);
    }
    Ok(body)
}

/// An unsigned LEB128 `u32` at `at`: its value and its length in bytes.
pub(crate) fn leb(bytes: &[u8], at: usize) -> Result<(u32, usize)> {
    let mut value = 0u32;
    for i in 0..5 {
        let byte = *bytes.get(at + i).ok_or("truncated LEB128")?;
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    Err("LEB128 too long".to_owned())
}

pub(crate) fn push_leb(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A length-prefixed UTF-8 name at `at`, and where it ends.
pub(crate) fn name(bytes: &[u8], at: usize) -> Result<(String, usize)> {
    let (len, prefix) = leb(bytes, at)?;
    let start = at + prefix;
    let end = start + len as usize;
    let text = bytes.get(start..end).ok_or("truncated name")?;
    Ok((String::from_utf8(text.to_vec()).map_err(|_| "a name is not UTF-8")?, end))
}

pub(crate) fn push_name(out: &mut Vec<u8>, name: &str) {
    push_leb(out, name.len() as u32);
    out.extend_from_slice(name.as_bytes());
}

/// Whether `c` can continue a JS identifier.
fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `text` with every occurrence of `old` that is not part of a longer word replaced by `new`.
fn replace_word(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        // The character before the match: in `rest`, or (at its start) the last one written.
        let before = if at > 0 { rest[..at].chars().last() } else { out.chars().last() };
        let prefix_ok = !before.is_some_and(word_char);
        let after_ok = !rest[at + old.len()..].chars().next().is_some_and(word_char);
        out.push_str(&rest[..at]);
        out.push_str(if prefix_ok && after_ok { new } else { old });
        rest = &rest[at + old.len()..];
    }
    out.push_str(rest);
    out
}

fn contains_word(text: &str, word: &str) -> bool {
    replace_word(text, word, "\u{0}") != text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `./m.js`.`__wbg_f_0123` and `./snippets/x/host.js`.`now`, exporting
    /// `start` and `memory`.
    fn module() -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        // type section: () -> ()
        wasm.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        let mut imports = vec![2];
        push_name(&mut imports, "./m.js");
        push_name(&mut imports, "__wbg_f_0123");
        imports.extend_from_slice(&[0, 0]);
        push_name(&mut imports, "./snippets/x/host.js");
        push_name(&mut imports, "now");
        imports.extend_from_slice(&[0, 0]);
        wasm.push(2);
        push_leb(&mut wasm, imports.len() as u32);
        wasm.extend_from_slice(&imports);
        // function section: one function of type 0; memory section: one page
        wasm.extend_from_slice(&[3, 2, 1, 0, 5, 3, 1, 0, 1]);
        let mut exports = vec![2];
        push_name(&mut exports, "start");
        exports.extend_from_slice(&[0, 2]);
        push_name(&mut exports, "memory");
        exports.extend_from_slice(&[2, 0]);
        wasm.push(7);
        push_leb(&mut wasm, exports.len() as u32);
        wasm.extend_from_slice(&exports);
        // code section: an empty body
        wasm.extend_from_slice(&[10, 4, 1, 2, 0, 11]);
        wasm
    }

    #[test]
    fn names_are_shortened_in_both_files() {
        let glue = r#"import { now } from './snippets/x/host.js';
import * as import1 from "./snippets/x/host.js"
import * as import2 from "./snippets/x/host.js"
const i = { __wbg_f_0123: function() { wasm.start(); return wasm.memory; } };
return {
    "./m.js": i,
    "./snippets/x/host.js": import1,
    "./snippets/x/host.js": import2,
}; // __wbg_f_01234 stays"#;
        let (wasm, glue) = minify(&module(), glue).unwrap();
        assert!(wasm.len() < module().len());
        assert!(!String::from_utf8_lossy(&wasm).contains("__wbg_f_0123"));
        assert!(!String::from_utf8_lossy(&wasm).contains("now"), "snippet imports are renamed");
        assert!(!String::from_utf8_lossy(&wasm).contains("snippets"));
        assert_eq!(
            glue,
            r#"import { now } from './snippets/x/host.js';
import { now as snippet0_now } from "./snippets/x/host.js";
const i = { a: function() { wasm.b(); return wasm.c; } };
return {
    "A": i,
    "B": { a: snippet0_now },
}; // __wbg_f_01234 stays"#
        );
        // What the module says is still a valid module: node can compile it.
        assert_eq!(&wasm[..8], b"\0asm\x01\0\0\0");
    }

    /// A snippet module the wasm imports from and the glue's table does not name (its glue
    /// written some other way): the wasm could not be instantiated.
    #[test]
    fn a_snippet_namespace_not_found_stops_the_build() {
        let glue = r#"import * as import1 from "./snippets/x/host.js"
return { "./m.js": i, "./snippets/x/host.js": import1 };"#;
        assert!(minify(&module(), glue).is_err());
        assert!(minify(&module(), "return { \"./m.js\": i };").is_err());
    }

    #[test]
    fn short_names_are_distinct() {
        let names: std::collections::HashSet<String> = (0..3000).map(short_name).collect();
        assert_eq!(names.len(), 3000);
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(52), "aa");
    }

    #[test]
    fn words_are_replaced_whole() {
        assert_eq!(replace_word("x.foo foo_bar foo", "foo", "a"), "x.a foo_bar a");
        assert!(contains_word("a foo b", "foo"));
        assert!(!contains_word("afoob", "foo"));
    }

    #[test]
    fn other_import_kinds_stop_the_build() {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let mut imports = vec![1];
        push_name(&mut imports, "./m.js");
        push_name(&mut imports, "mem");
        imports.extend_from_slice(&[2, 0, 1]);
        wasm.push(2);
        push_leb(&mut wasm, imports.len() as u32);
        wasm.extend_from_slice(&imports);
        assert!(minify(&wasm, "").is_err());
    }
}
