//! Style rules inserted or deleted through the CSSOM (source 8): `insertRule` and `deleteRule`
//! of `CSSStyleSheet` are hooked; the rule's sheet names its `<style>` or `<link>` node.

use wasm_bindgen::JsValue;

use super::super::dom;
use super::super::json;
use super::super::recorder::{INCREMENTAL, Recorder};
use super::super::with_recorder;
use super::{Hook, hook};

pub(super) fn install(hooks: &mut Vec<Hook>) {
    hooks.extend(hook("CSSStyleSheet", "insertRule", false, |sheet, rule, _, index| {
        with_recorder(|r| r.on_rule(&sheet, Some(&rule), &index));
    }));
    hooks.extend(hook("CSSStyleSheet", "deleteRule", false, |sheet, index, _, _| {
        with_recorder(|r| r.on_rule(&sheet, None, &index));
    }));
}

impl Recorder {
    /// `rule` inserted at `index` (the index `insertRule` returned), or deleted from `index`.
    fn on_rule(&mut self, sheet: &JsValue, rule: Option<&JsValue>, index: &JsValue) {
        let Some(owner) = dom::node(dom::prop(sheet, "ownerNode")) else { return };
        let Some(id) = self.mirror.id(&owner) else { return };
        if !self.mirror.present(id) {
            return;
        }
        let index = index.as_f64().unwrap_or(0.0);
        let mut data = String::from("{\"source\":8,\"id\":");
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
        self.emit(INCREMENTAL, &data);
    }
}
