//! Style rules inserted or deleted through the CSSOM (source 8): `insertRule` and `deleteRule`
//! of `CSSStyleSheet` are hooked; the rule's sheet names its `<style>` or `<link>` node.

use wasm_bindgen::JsValue;

use super::super::dom;
use super::super::json;
use super::super::recorder::{INCREMENTAL, Recorder};

/// Hook tags of `insertRule` and `deleteRule` (after the input setters'), as `pgInstall`
/// (`replay/js/hooks.js`) hooks them.
pub(super) const INSERT: u32 = 100;
pub(super) const DELETE: u32 = 101;

/// Handles `insertRule(rule) → index` and `deleteRule(index)`.
pub(super) fn on_hook(
    r: &mut Recorder,
    tag: u32,
    sheet: &JsValue,
    arg: &JsValue,
    result: &JsValue,
) -> bool {
    match tag {
        INSERT => r.on_rule(sheet, Some(arg), result),
        DELETE => r.on_rule(sheet, None, arg),
        _ => return false,
    }
    true
}

impl Recorder {
    /// `rule` inserted at `index` (the index `insertRule` returned), or deleted from `index`.
    fn on_rule(&mut self, sheet: &JsValue, rule: Option<&JsValue>, index: &JsValue) {
        let Some(owner) = dom::node(dom::prop(sheet, "ownerNode")) else { return };
        let Some(id) = self.mirror.present_id(&owner) else { return };
        let index = dom::number(index);
        let mut data = self.head(INCREMENTAL);
        data.push_str("{\"source\":8,\"id\":");
        json::uint(&mut data, u64::from(id));
        match rule.and_then(JsValue::as_string) {
            Some(rule) => {
                data.push_str(",\"adds\":[{\"rule\":");
                json::string(&mut data, &rule);
                data.push_str(",\"index\":");
            }
            None => data.push_str(",\"removes\":[{\"index\":"),
        }
        json::round(&mut data, index);
        data.push_str("}]}");
        self.emit_event(INCREMENTAL, data);
    }
}
