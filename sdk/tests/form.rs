//! Lead forms in Chromium: each mounted as `sdk/js/form-loader.js` mounts it, on its own endpoint
//! (`https://<test>.example`) answered by the recorders of `install_network`, into a `<div>` of
//! its own. The page's fetch is the recorder, so every request the form makes is seen.

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::lead::{FieldValue, LeadSubmission};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::{answer, install_network, run, sent, until};

/// A config as `GET /forms/config` answers it, with every field type that needs its own markup.
const CONFIG: &str = r#"{"form_id":"quote","site_key":"demo","fields":[
  {"name":"name","label":"Your name","type":"text","required":true,"max_length":80},
  {"name":"email","label":"Email","type":"email","required":true},
  {"name":"phone","label":"Phone","type":"tel","pattern":"\\+49[0-9 ]+"},
  {"name":"roof","label":"Roof","type":"radio","options":[{"value":"flat","label":"Flat"},{"value":"pitched","label":"Pitched"}]},
  {"name":"bill","label":"Monthly bill","type":"select","required":true,"options":[{"value":"low","label":"Under $100"},{"value":"high","label":"Over $100"}]},
  {"name":"notes","label":"Anything else?","type":"textarea"},
  {"name":"consent","label":"I agree to be contacted","type":"checkbox","required":true}],
  "submit_text":"Get my quote","success_message":"Thanks! We will call you within a day.",
  "hidden_fields":[{"name":"utm_source","source":"utm_source"},{"name":"campaign","source":"constant","value":"spring"}],
  "honeypot":"website","min_fill_ms":2000,"lang":"en","messages":{
  "required":"Please fill in this field.","required_checkbox":"Please tick this box.",
  "required_choice":"Please choose an option.","too_long":"Please use at most {max} characters.",
  "email":"Please enter an email address, like name@example.com.",
  "tel":"Please enter a phone number, like +1 415 555 0112.",
  "url":"Please enter a web address starting with https://.","number":"Please enter a number.",
  "date":"Please enter a date as YYYY-MM-DD.","choice":"Please choose one of the options.",
  "pattern":"Please match the requested format.","fix_fields":"Please correct the marked fields.",
  "failure":"We could not send your message. Please check your connection and try again.",
  "too_many":"Too many tries in a row. Please wait a minute and try again.","choose":"Choose…",
  "leave_empty":"Leave this field empty"}}"#;

/// Mounts form `quote` for `endpoint` into a new element `#<id>`, with `answers` queued after
/// the config; waits until it renders.
async fn mount(id: &str, endpoint: &str, answers: &str) {
    mount_config(id, endpoint, CONFIG, answers).await;
}

/// [`CONFIG`] with `fields` (a JSON array's members) as its fields.
fn with_fields(fields: &str) -> String {
    let start = CONFIG.find("\"fields\":[").unwrap_or_default();
    let end = CONFIG.find("\"submit_text\"").unwrap_or_default();
    format!("{}\"fields\":[{fields}],{}", &CONFIG[..start], &CONFIG[end..])
}

/// [`mount`] with `config` as the config's answer.
async fn mount_config(id: &str, endpoint: &str, config: &str, answers: &str) {
    install_network();
    answer(endpoint, &format!("[{{status: 200, body: {config:?}}}, {answers}]"));
    let target = run(&format!(
        "const el = document.createElement('div'); el.id = {id:?}; document.body.appendChild(el);
         return {{ el, siteKey: 'demo', formId: 'quote', endpoint: {endpoint:?} }};"
    ));
    assert!(crate::mount(&target));
    let q = format!("return !!document.getElementById({id:?}).shadowRoot.querySelector('form');");
    until("the form renders", || run(&q).as_bool() == Some(true)).await;
}

/// `expr` evaluated with `root` bound to the form's shadow root.
fn eval(id: &str, expr: &str) -> JsValue {
    run(&format!("const root = document.getElementById({id:?}).shadowRoot; return ({expr});"))
}

fn eval_str(id: &str, expr: &str) -> String {
    eval(id, expr).as_string().unwrap_or_default()
}

/// Fills the form validly (`+49` phone, a radio, the select, the box).
fn fill_valid(id: &str) {
    eval(
        id,
        "(() => { const set = (sel, v) => { const el = root.querySelector(sel); el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); };
           set('[name=name]', '  Jane Doe '); set('[name=email]', 'jane@example.com'); set('[name=phone]', '+49 30 1234567');
           set('[name=bill]', 'high'); root.querySelector('[name=roof][value=flat]').checked = true;
           root.querySelector('[name=consent]').checked = true; })()",
    );
}

fn submit(id: &str) {
    eval(id, "root.querySelector('form').requestSubmit()");
}

fn posts(endpoint: &str) -> Vec<LeadSubmission> {
    sent(endpoint)
        .iter()
        .filter(|s| s.path == "/lead.capture")
        .map(|s| serde_json::from_str(&s.body).expect("a LeadSubmission"))
        .collect()
}

#[wasm_bindgen_test]
async fn the_config_renders_as_accessible_native_markup() {
    let endpoint = "https://form-render.example";
    mount("form-render", endpoint, "").await;
    let id = "form-render";
    let config = sent(endpoint);
    assert_eq!(config[0].path, "/forms/config?site=demo&form=quote");
    // Every text-like control has a label pointing at it, and its error text linked.
    for name in ["name", "email", "phone", "bill", "notes"] {
        let linked = eval(
            id,
            &format!(
                "(() => {{ const el = root.querySelector('[name={name}]');
                   return !!root.querySelector('label[for=\"' + el.id + '\"]')
                     && !!root.getElementById(el.getAttribute('aria-describedby')); }})()"
            ),
        );
        assert_eq!(linked.as_bool(), Some(true), "{name}");
    }
    assert_eq!(eval_str(id, "root.querySelector('[name=email]').type"), "email");
    assert_eq!(eval_str(id, "root.querySelector('[name=email]').autocomplete"), "email");
    // The browser's own details offered by the field's type, else by its name.
    assert_eq!(eval_str(id, "root.querySelector('[name=phone]').autocomplete"), "tel");
    assert_eq!(eval_str(id, "root.querySelector('[name=name]').autocomplete"), "name");
    assert_eq!(eval_str(id, "root.querySelector('[name=notes]').autocomplete"), "");
    assert_eq!(eval_str(id, "root.querySelector('[name=name]').getAttribute('maxlength')"), "80");
    assert_eq!(eval(id, "root.querySelector('[name=name]').required").as_bool(), Some(true));
    assert_eq!(eval(id, "root.querySelector('[name=phone]').required").as_bool(), Some(false));
    assert_eq!(eval_str(id, "root.querySelector('fieldset legend').textContent"), "Roof");
    assert_eq!(eval(id, "root.querySelectorAll('[name=roof]').length").as_f64(), Some(2.0));
    assert_eq!(
        eval_str(id, "root.querySelector('[name=bill] option[value=high]').textContent"),
        "Over $100"
    );
    assert_eq!(eval_str(id, "root.querySelector('button').textContent"), "Get my quote");
    assert_eq!(eval_str(id, "root.querySelector('button').type"), "submit");
    // The config's language and messages: the form's `lang`, the select's empty choice.
    assert_eq!(eval_str(id, "root.querySelector('form').lang"), "en");
    // Named by its id, as the tracker's form interactions report it.
    assert_eq!(eval_str(id, "root.querySelector('form').getAttribute('name')"), "quote");
    assert_eq!(eval_str(id, "root.querySelector('[name=bill] option').textContent"), "Choose…");
    // The trap is out of the tab order and hidden from assistive technology.
    assert_eq!(eval(id, "root.querySelector('[name=website]').tabIndex").as_f64(), Some(-1.0));
    assert_eq!(
        eval_str(id, "root.querySelector('[name=website]').parentNode.getAttribute('aria-hidden')"),
        "true"
    );
    // Its label, for the bots that read labels, is the config's message in the form's language.
    assert_eq!(
        eval_str(id, "root.querySelector('.hp label').textContent"),
        "Leave this field empty"
    );
    // The hidden field of a constant is the server's: no input for it.
    assert!(eval(id, "root.querySelector('[name=campaign]')").is_null());
}

#[wasm_bindgen_test]
async fn invalid_values_show_linked_errors_and_nothing_is_sent() {
    let endpoint = "https://form-invalid.example";
    let id = "form-invalid";
    mount(id, endpoint, "").await;
    fill_valid(id);
    eval(id, "root.querySelector('[name=email]').value = 'jane@example'");
    eval(id, "root.querySelector('[name=phone]').value = '+1 415 555 0112'");
    eval(id, "root.querySelector('[name=consent]').checked = false");
    submit(id);
    assert!(posts(endpoint).is_empty(), "an invalid form is not sent");
    let error = |name: &str| {
        eval_str(
            id,
            &format!(
                "root.getElementById(root.querySelector('[name={name}]').getAttribute('aria-describedby')).textContent"
            ),
        )
    };
    let invalid = |name: &str| {
        eval_str(id, &format!("root.querySelector('[name={name}]').getAttribute('aria-invalid')"))
    };
    // The messages are the schema's, the ones the server answers.
    assert_eq!(error("email"), "Please enter an email address, like name@example.com.");
    assert_eq!(error("phone"), "Please match the requested format.");
    assert_eq!(error("consent"), "Please tick this box.");
    assert_eq!(error("name"), "");
    assert_eq!(invalid("email"), "true");
    assert_eq!(invalid("name"), "false");
    // Focus is on the first invalid field.
    assert_eq!(eval_str(id, "root.activeElement && root.activeElement.name"), "email");
    // Fixing a field clears its error as the visitor types.
    eval(
        id,
        "(() => { const el = root.querySelector('[name=email]'); el.value = 'jane@example.com';
           el.dispatchEvent(new Event('input', {bubbles: true})); })()",
    );
    assert_eq!(error("email"), "");
    assert_eq!(invalid("email"), "false");
}

#[wasm_bindgen_test]
async fn a_valid_form_is_sent_once_then_thanks_the_visitor() {
    let endpoint = "https://form-valid.example";
    let id = "form-valid";
    mount(id, endpoint, "{status: 201, body: '{\"ok\":true,\"lead_id\":\"ld_0\"}'}").await;
    fill_valid(id);
    submit(id);
    // The button off and the form busy (as text, `true`) while it travels.
    assert_eq!(eval(id, "root.querySelector('button').disabled").as_bool(), Some(true));
    assert_eq!(eval_str(id, "root.querySelector('form').getAttribute('aria-busy')"), "true");
    // A second submit while the first travels (a double click) sends nothing more.
    submit(id);
    until("the thanks", || eval(id, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    submit(id);
    let sent = posts(endpoint);
    assert_eq!(sent.len(), 1, "one submission");
    let s = &sent[0];
    assert_eq!(s.form_id, "quote");
    assert_eq!(s.site_key.as_ref().map(|k| k.as_str()), Some("demo"));
    assert!(s.submission_id.is_some());
    assert_eq!(s.fields["name"], FieldValue::Text("Jane Doe".into()), "trimmed");
    assert_eq!(s.fields["roof"], FieldValue::Text("flat".into()));
    assert_eq!(s.fields["consent"], FieldValue::Bool(true));
    assert!(!s.fields.contains_key("notes"), "an empty optional field is left out");
    assert!(!s.fields.contains_key("campaign"), "constants are the server's");
    assert_eq!(s.honeypot.as_deref(), Some(""));
    assert_eq!(s.lang.as_deref(), Some("en"), "the form's language, for the server's messages");
    assert!(s.fill_ms.is_some());
    assert_eq!(
        eval_str(id, "root.querySelector('.ok').textContent"),
        "Thanks! We will call you within a day."
    );
    assert_eq!(eval(id, "root.querySelector('form').hidden").as_bool(), Some(true));
    assert_eq!(eval_str(id, "root.activeElement && root.activeElement.className"), "ok");
}

#[wasm_bindgen_test]
async fn a_failed_send_keeps_the_values_and_a_retry_is_the_same_submission() {
    let endpoint = "https://form-retry.example";
    let id = "form-retry";
    mount(id, endpoint, "{error: true}, {status: 503}, {status: 201, body: '{}'}").await;
    fill_valid(id);
    for attempt in 1..=2 {
        submit(id);
        until("the error", || {
            eval(id, "!root.querySelector('button').disabled && root.querySelector('.status').textContent !== ''")
                .as_bool()
                == Some(true)
        })
        .await;
        assert_eq!(posts(endpoint).len(), attempt);
        assert_eq!(
            eval_str(id, "root.querySelector('.status').textContent"),
            "We could not send your message. Please check your connection and try again."
        );
        assert_eq!(eval_str(id, "root.querySelector('[name=email]').value"), "jane@example.com");
        assert_eq!(eval(id, "root.querySelector('form').hidden").as_bool(), Some(false));
        assert_eq!(eval_str(id, "root.querySelector('form').getAttribute('aria-busy')"), "false");
    }
    submit(id);
    until("the thanks", || eval(id, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    let sent = posts(endpoint);
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().all(|s| s.submission_id == sent[0].submission_id), "one submission id");
}

#[wasm_bindgen_test]
async fn the_servers_field_error_lands_at_its_field() {
    let endpoint = "https://form-refused.example";
    let id = "form-refused";
    let refusal = r#"{"error":{"code":"invalid_field","message":"Please enter a phone number, like +1 415 555 0112.","field":"fields.phone"}}"#;
    mount(id, endpoint, &format!("{{status: 400, body: {refusal:?}}}")).await;
    fill_valid(id);
    submit(id);
    until("the field error", || {
        eval(id, "root.querySelector('[name=phone]').getAttribute('aria-invalid') === 'true'")
            .as_bool()
            == Some(true)
    })
    .await;
    assert_eq!(eval_str(id, "root.activeElement && root.activeElement.name"), "phone");
    assert_eq!(eval(id, "root.querySelector('button').disabled").as_bool(), Some(false));
}

#[wasm_bindgen_test]
async fn unusable_targets_and_refused_configs_render_nothing() {
    install_network();
    let bad = [
        "{ siteKey: 'demo', formId: 'quote', endpoint: 'https://x.example' }",
        "{ el: 'div', siteKey: 'demo', formId: 'quote', endpoint: 'https://x.example' }",
        "{ el: {}, siteKey: 'demo', formId: 'quote', endpoint: 'https://x.example' }",
        "{ el: document.createElement('div'), siteKey: 'demo', formId: 'Quote Form', endpoint: 'https://x.example' }",
        "{ el: document.createElement('div'), siteKey: 'demo', formId: 'quote', endpoint: 'javascript:alert(1)' }",
        "{ el: document.createElement('div'), siteKey: 'demo', formId: 'quote', endpoint: 'https://' }",
        "{ el: document.createElement('div'), siteKey: 'demo', formId: 'quote', endpoint: 'https://x .example' }",
        "{ el: document.createElement('div'), siteKey: '', formId: 'quote', endpoint: 'https://x.example' }",
        "{ el: document.createElement('div'), formId: 'quote', endpoint: 'https://x.example' }",
        "{ el: document.createElement('div'), siteKey: 'demo', endpoint: 'https://x.example' }",
        "{ el: document.createElement('div'), siteKey: 'demo', formId: 'quote' }",
        "{ el: document.createElement('div'), siteKey: 'demo', formId: 'quote', endpoint: 7 }",
    ];
    for target in bad {
        assert!(!crate::mount(&run(&format!("return {target};"))), "{target}");
    }
    let endpoint = "https://form-refused-origin.example";
    answer(
        endpoint,
        "[{status: 403, body: '{\"error\":{\"code\":\"forbidden\",\"message\":\"no\"}}'}]",
    );
    let target = run(&format!(
        "const el = document.createElement('div'); el.id = 'form-403'; document.body.appendChild(el);
         return {{ el, siteKey: 'demo', formId: 'quote', endpoint: {endpoint:?} }};"
    ));
    assert!(crate::mount(&target));
    until("the config request", || !sent(endpoint).is_empty()).await;
    super::sleep(100).await;
    assert_eq!(
        run("return document.getElementById('form-403').shadowRoot.childNodes.length;").as_f64(),
        Some(0.0)
    );
    // The same element cannot be mounted twice.
    assert!(!crate::mount(&target));
}

#[wasm_bindgen_test]
async fn a_fields_max_length_is_read_as_a_whole_number_capped_at_the_schemas_limit() {
    // Each text field's `maxlength` is the limit the rules apply: its `max_length` (a fraction
    // cut off, at most the schema's 10,000), else the type's default (256 for text, 254 for an
    // email) when it has none or it is negative or not a number.
    let endpoint = "https://form-max-length.example";
    let config = with_fields(
        r#"{"name":"a","label":"A","type":"text","max_length":80},
        {"name":"b","label":"B","type":"text","max_length":5.9},
        {"name":"c","label":"C","type":"text","max_length":1e12},
        {"name":"d","label":"D","type":"text","max_length":-3},
        {"name":"e","label":"E","type":"text","max_length":"80"},
        {"name":"f","label":"F","type":"email","max_length":null},
        {"name":"g","label":"G","type":"text","max_length":0}"#,
    );
    mount_config("form-max-length", endpoint, &config, "{status: 201, body: '{}'}").await;
    assert_eq!(
        eval_str(
            "form-max-length",
            "[...root.querySelectorAll('input:not(#hp)')].map(i => i.getAttribute('maxlength')).join(' ')"
        ),
        "80 5 10000 256 256 254 0"
    );
}

#[wasm_bindgen_test]
async fn every_field_type_has_its_rule_and_an_unusable_config_renders_nothing() {
    let endpoint = "https://form-types.example";
    let config = with_fields(
        r#"{"name":"n","label":"N","type":"number"},{"name":"u","label":"U","type":"url"},
        {"name":"d","label":"D","type":"date"},{"name":"t","label":"T","type":"text"}"#,
    );
    mount_config("form-types", endpoint, &config, "{status: 201, body: '{}'}").await;
    // Each its own input type; the URL's is an autocomplete token, a number's or a date's not.
    assert_eq!(
        eval_str(
            "form-types",
            "[...root.querySelectorAll('input:not(#hp)')].map(i => i.type + ':' + i.autocomplete).join(' ')"
        ),
        "number: url:url date: text:"
    );
    // As text inputs, so the browser keeps what no number or date input would hold.
    eval(
        "form-types",
        "(() => { for (const input of root.querySelectorAll('[name]:not(#hp)')) {
           input.type = 'text'; input.value = 'x y'; input.dispatchEvent(new Event('input', {bubbles: true})); } })()",
    );
    submit("form-types");
    let errors = eval_str(
        "form-types",
        "[...root.querySelectorAll('.err')].map(e => e.textContent).join('|')",
    );
    assert_eq!(
        errors,
        "Please enter a number.|Please enter a web address starting with https://.|\
         Please enter a date as YYYY-MM-DD.|"
    );
    assert!(posts(endpoint).is_empty());

    // A type the schema does not know, or no success message, language or messages, make the
    // config unusable: nothing renders.
    let unknown = with_fields(
        r#"{"name":"n","label":"N","type":"text"},{"name":"p","label":"P","type":"password"}"#,
    );
    let unusable = [
        unknown,
        CONFIG.replace(r#""success_message":"#, r#""success":"#),
        CONFIG.replace(r#""lang":"en""#, r#""lang":1"#),
        CONFIG.replace(r#""messages":{"#, r#""messages":"x","m":{"#),
    ];
    for (n, config) in unusable.iter().enumerate() {
        let endpoint = format!("https://form-unusable{n}.example");
        answer(&endpoint, &format!("[{{status: 200, body: {config:?}}}]"));
        let target = run(&format!(
            "const el = document.createElement('div'); el.id = 'form-unusable{n}'; document.body.appendChild(el);
             return {{ el, siteKey: 'demo', formId: 'quote', endpoint: {endpoint:?} }};"
        ));
        assert!(crate::mount(&target));
        until("the config request", || !sent(&endpoint).is_empty()).await;
        super::sleep(100).await;
        let nodes = format!(
            "return document.getElementById('form-unusable{n}').shadowRoot.childNodes.length;"
        );
        assert_eq!(run(&nodes).as_f64(), Some(0.0), "config {n}");
    }
}

#[wasm_bindgen_test]
async fn the_hand_written_body_is_the_schemas_submission_with_every_part() {
    use pulsegate_schema::Validate;
    let endpoint = "https://form-body.example";
    let id = "form-body";
    install_network();
    answer(
        endpoint,
        &format!(
            "[{{status: 200, body: {CONFIG:?}}}, {{status: 201, body: '{{\"ok\":true,\"lead_id\":\"ld_0\"}}'}}]"
        ),
    );
    // The tracker's public API, as `window.PulseGate` (or the npm package) offers it.
    let target = run(&format!(
        "const el = document.createElement('div'); el.id = {id:?}; document.body.appendChild(el);
         const tracker = {{ getSessionId: () => '0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c',
           getVisitorId: () => '5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
           _state: () => ({{ fingerprint: {{ id: '3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d' }} }}) }};
         return {{ el, siteKey: 'demo', formId: 'quote', endpoint: {endpoint:?}, tracker }};"
    ));
    assert!(crate::mount(&target));
    let q = format!("return !!document.getElementById({id:?}).shadowRoot.querySelector('form');");
    until("the form renders", || run(&q).as_bool() == Some(true)).await;
    // UTM parameters on the page (one with a quote in it), and a fragment that is never sent.
    let before = run("const before = location.href;
         history.replaceState(null, '', '?utm_source=news&utm_campaign=spr%22ing&x=1#top'); return before;");
    fill_valid(id);
    eval(
        id,
        r#"(() => { const el = root.querySelector('[name=notes]');
           el.value = 'He said "hi" \\ back\nslash\u0001 ü 😀';
           el.dispatchEvent(new Event('input', {bubbles: true})); })()"#,
    );
    eval(id, "root.querySelector('[name=website]').value = 'a \"bot\"'");
    submit(id);
    until("the thanks", || eval(id, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    run(&format!("history.replaceState(null, '', {:?}); return 0;", before.as_string().unwrap()));
    let body = sent(endpoint).into_iter().find(|s| s.path == "/lead.capture").unwrap().body;
    let s: LeadSubmission = serde_json::from_str(&body).expect("a LeadSubmission");
    assert_eq!(s.validate(), Ok(()), "{body}");
    assert_eq!(
        s.fields["notes"],
        FieldValue::Text("He said \"hi\" \\ back\nslash\u{1} ü 😀".into())
    );
    assert_eq!(s.fields["name"], FieldValue::Text("Jane Doe".into()));
    assert_eq!(s.fields["bill"], FieldValue::Text("high".into()));
    assert_eq!(s.fields["consent"], FieldValue::Bool(true));
    assert_eq!(s.fields["utm_source"], FieldValue::Text("news".into()), "a hidden UTM field");
    assert_eq!(s.fields.len(), 8, "seven visible values and one hidden: {body}");
    assert_eq!(
        s.session_id.map(|v| v.to_string()).as_deref(),
        Some("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c")
    );
    assert_eq!(
        s.visitor_id.map(|v| v.to_string()).as_deref(),
        Some("5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d")
    );
    assert_eq!(
        s.fingerprint.as_ref().map(|f| f.as_str()),
        Some("3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d")
    );
    let utm = s.utm.as_ref().expect("utm");
    assert_eq!(utm.source.as_deref(), Some("news"));
    assert_eq!(utm.campaign.as_deref(), Some("spr\"ing"));
    assert_eq!(utm.medium, None);
    let page = s.page_url.as_deref().unwrap_or_default();
    assert!(page.contains("utm_source=news") && !page.contains("#top"), "{page}");
    assert_eq!(s.honeypot.as_deref(), Some("a \"bot\""));
    assert_eq!(s.lang.as_deref(), Some("en"));
    let fill = s.fill.as_ref().expect("fill");
    assert!(!fill.trusted_submit, "requestSubmit() from a script");
    assert!(s.fill_ms.is_some() && s.submission_id.is_some());
    // The serde form of what was parsed reads back the same: nothing was lost on the way.
    let again: LeadSubmission = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(again, s);
}

#[wasm_bindgen_test]
async fn a_lone_surrogate_is_sent_as_the_replacement_character() {
    // A JS string may hold half a surrogate pair (a paste cut in the middle of an emoji); JSON
    // with it escaped as such is not JSON the server takes. It is sent as U+FFFD, as the wasm
    // reads any such string.
    let endpoint = "https://form-surrogate.example";
    let id = "form-surrogate";
    mount(id, endpoint, "{status: 201, body: '{}'}").await;
    fill_valid(id);
    eval(
        id,
        r#"(() => { const el = root.querySelector('[name=notes]');
           el.value = 'a\uD83D b \uDE00 😀';
           el.dispatchEvent(new Event('input', {bubbles: true})); })()"#,
    );
    submit(id);
    until("the thanks", || eval(id, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    let sent = posts(endpoint);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].fields["notes"], FieldValue::Text("a\u{FFFD} b \u{FFFD} 😀".into()));
}

#[wasm_bindgen_test]
async fn utm_parameters_are_decoded_cut_and_the_first_non_empty_one_wins() {
    let endpoint = "https://form-utm.example";
    let id = "form-utm";
    mount(id, endpoint, "{status: 201, body: '{}'}, {status: 201, body: '{}'}").await;
    // `+` and `%20` are spaces, escapes decode to UTF-8, an empty value gives way to a later
    // one, names are compared as written (`UTM_CONTENT` is not one), the fragment is not the
    // query, and a value longer than the schema's limit is cut at a character boundary.
    let long = "%C3%A9".repeat(200);
    let before = run(&format!(
        "const before = location.href; history.replaceState(null, '', '?utm_source=a+b%20c' +
           '&utm_medium=&utm_medium=cpc&utm_medium=later&utm_term=%C3%BC%F0%9F%98%80&UTM_CONTENT=x' +
           '&utm_campaign={long}&utm_campaign=second#utm_content=frag'); return before;"
    ));
    fill_valid(id);
    submit(id);
    until("the thanks", || eval(id, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    // No UTM parameter: no `utm` member, and the hidden UTM field is left out.
    run("history.replaceState(null, '', '?utm_x=1&x=utm_source'); return 0;");
    let again = "https://form-utm2.example";
    mount("form-utm2", again, "{status: 201, body: '{}'}").await;
    fill_valid("form-utm2");
    submit("form-utm2");
    until("the second thanks", || {
        eval("form-utm2", "!root.querySelector('.ok').hidden").as_bool() == Some(true)
    })
    .await;
    run(&format!("history.replaceState(null, '', {:?}); return 0;", before.as_string().unwrap()));
    let sent = posts(endpoint);
    let utm = sent[0].utm.as_ref().expect("utm");
    assert_eq!(utm.source.as_deref(), Some("a b c"));
    assert_eq!(utm.medium.as_deref(), Some("cpc"));
    assert_eq!(utm.term.as_deref(), Some("ü😀"));
    assert_eq!(utm.content, None);
    assert_eq!(utm.campaign.as_deref(), Some("é".repeat(128).as_str()), "256 bytes");
    assert_eq!(sent[0].fields["utm_source"], FieldValue::Text("a b c".into()));
    let sent = posts(again);
    assert_eq!(sent[0].utm, None);
    assert!(!sent[0].fields.contains_key("utm_source"));
}

/// Mounts form `quote` with `tracker` (a JS expression) as the target's tracker, fills it validly,
/// submits it and answers the submission it sent.
async fn submit_with_tracker(id: &str, endpoint: &str, tracker: &str) -> LeadSubmission {
    install_network();
    answer(
        endpoint,
        &format!("[{{status: 200, body: {CONFIG:?}}}, {{status: 201, body: '{{}}'}}]"),
    );
    let target = run(&format!(
        "const el = document.createElement('div'); el.id = {id:?}; document.body.appendChild(el);
         return {{ el, siteKey: 'demo', formId: 'quote', endpoint: {endpoint:?}, tracker: {tracker} }};"
    ));
    assert!(crate::mount(&target));
    let q = format!("return !!document.getElementById({id:?}).shadowRoot.querySelector('form');");
    until("the form renders", || run(&q).as_bool() == Some(true)).await;
    fill_valid(id);
    submit(id);
    until("the thanks", || eval(id, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    let mut sent = posts(endpoint);
    assert_eq!(sent.len(), 1);
    sent.remove(0)
}

#[wasm_bindgen_test]
async fn a_starting_tracker_is_waited_for_and_its_ids_are_checked() {
    const SESSION: &str = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
    // Loaded (`_l`) but without a session for its first three looks: the submission waits for it.
    let s = submit_with_tracker(
        "form-wait",
        "https://form-wait.example",
        &format!(
            "(window.looks = 0, {{ _l: {{}}, getSessionId: () => ++window.looks > 3 ? {SESSION:?} : undefined,
              getVisitorId: () => 'not a uuid', _state: () => ({{ fingerprint: {{ id: 'abc' }} }}) }})"
        ),
    )
    .await;
    assert_eq!(s.session_id.map(|v| v.to_string()).as_deref(), Some(SESSION));
    assert_eq!(s.visitor_id, None, "an id that is not a UUID is left out");
    assert_eq!(s.fingerprint, None, "a fingerprint id that is not one is left out");
    assert!(run("return window.looks;").as_f64().unwrap_or(0.0) >= 4.0);
    // Ids in capitals are the same ids.
    let s = submit_with_tracker(
        "form-capitals",
        "https://form-capitals.example",
        &format!(
            "({{ getSessionId: () => {upper:?}, getVisitorId: () => {upper:?} }})",
            upper = SESSION.to_uppercase()
        ),
    )
    .await;
    assert_eq!(s.session_id.map(|v| v.to_string()).as_deref(), Some(SESSION));
    assert_eq!(s.visitor_id.map(|v| v.to_string()).as_deref(), Some(SESSION));
    // Off (`_off`), or not a loader's tracker (no `_l`): sent at once, without ids.
    for (n, tracker) in [
        "(window.looks = 0, { _l: {}, _off: true, getSessionId: () => { window.looks++; } })",
        "(window.looks = 0, { getSessionId: () => { window.looks++; } })",
    ]
    .into_iter()
    .enumerate()
    {
        let (id, endpoint) = (format!("form-nowait{n}"), format!("https://form-nowait{n}.example"));
        let s = submit_with_tracker(&id, &endpoint, tracker).await;
        assert_eq!((s.session_id, s.visitor_id, s.fingerprint), (None, None, None), "{tracker}");
        assert_eq!(run("return window.looks;").as_f64(), Some(1.0), "{tracker}");
    }
    // One whose methods throw never gets a session: twenty looks, then sent without ids.
    let s = submit_with_tracker(
        "form-throws",
        "https://form-throws.example",
        "(window.looks = 0, { _l: {}, getSessionId() { window.looks++; throw 1; },
          getVisitorId() { throw 1; }, _state() { throw 1; } })",
    )
    .await;
    assert_eq!((s.session_id, s.visitor_id, s.fingerprint), (None, None, None));
    assert_eq!(run("return window.looks;").as_f64(), Some(21.0));
}

#[wasm_bindgen_test]
async fn an_endpoints_trailing_slashes_are_dropped() {
    let endpoint = "https://form-slash.example";
    install_network();
    answer(
        endpoint,
        &format!("[{{status: 200, body: {CONFIG:?}}}, {{status: 201, body: '{{}}'}}]"),
    );
    let target = run(&format!(
        "const el = document.createElement('div'); el.id = 'form-slash'; document.body.appendChild(el);
         return {{ el, siteKey: 'demo', formId: 'quote', endpoint: {:?} }};",
        format!("{endpoint}//")
    ));
    assert!(crate::mount(&target));
    let q = "return !!document.getElementById('form-slash').shadowRoot.querySelector('form');";
    until("the form renders", || run(q).as_bool() == Some(true)).await;
    assert!(sent(endpoint)[0].path.starts_with("/forms/config?"), "{}", sent(endpoint)[0].path);
    fill_valid("form-slash");
    submit("form-slash");
    until("the submission", || !posts(endpoint).is_empty()).await;
}

#[wasm_bindgen_test]
async fn hidden_fields_carry_the_page_and_the_referrer_and_skip_what_is_unknown() {
    let (id, endpoint) = ("form-hidden", "https://form-hidden.example");
    let config = CONFIG.replace(
        r#"{"name":"utm_source","source":"utm_source"},"#,
        r#"{"name":"landing","source":"page_url"},{"name":"from","source":"referrer"},
           {"name":"medium","source":"utm_medium"},{"name":"odd","source":"nope"},
           {"name":"proto","source":"__proto__"},"#,
    );
    assert_ne!(config, CONFIG);
    mount_config(id, endpoint, &config, "{status: 201, body: '{}'}").await;
    run(
        "Object.defineProperty(document, 'referrer', {value: 'https://search.example/q?token=1#x', configurable: true}); return 0;",
    );
    fill_valid(id);
    submit(id);
    until("the thanks", || eval(id, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    run("delete document.referrer; return 0;");
    let s = posts(endpoint).pop().expect("a submission");
    let landing = s.page_url.clone().expect("the page's URL");
    assert_eq!(s.fields.get("landing"), Some(&FieldValue::Text(landing)));
    // The referrer as the submission's own: cleaned of its fragment and secrets.
    assert_eq!(s.referrer.as_deref(), Some("https://search.example/q"));
    assert_eq!(s.fields.get("from"), Some(&FieldValue::Text("https://search.example/q".into())));
    // No `utm_medium` on the page, a source nobody knows, the constant: none of them.
    for name in ["medium", "odd", "proto", "campaign"] {
        assert!(!s.fields.contains_key(name), "{name}");
    }
    assert_eq!(s.fields.len(), 8, "six visible values and two hidden");
}

#[wasm_bindgen_test]
async fn the_config_is_asked_for_in_the_visitors_languages() {
    install_network();
    for (n, lang, query) in [
        (0, "de-CH,de,en", "&lang=de-CH,de,en"),
        // Anything but tags and commas never reaches the URL.
        (1, "de&site=other", ""),
        (2, "", ""),
    ] {
        let endpoint = format!("https://form-lang{n}.example");
        answer(&endpoint, "[{status: 404}]");
        let target = run(&format!(
            "const el = document.createElement('div'); document.body.appendChild(el);
             return {{ el, siteKey: 'demo', formId: 'quote', endpoint: {endpoint:?}, lang: {lang:?} }};"
        ));
        assert!(crate::mount(&target));
        until("the config request", || !sent(&endpoint).is_empty()).await;
        assert_eq!(sent(&endpoint)[0].path, format!("/forms/config?site=demo&form=quote{query}"));
    }
}

#[wasm_bindgen_test]
async fn a_call_made_while_a_form_works_is_dropped_and_forms_keep_apart() {
    let (a, b) = ("form-busy-a", "form-busy-b");
    let (at_a, at_b) = ("https://form-busy-a.example", "https://form-busy-b.example");
    mount(a, at_a, "{status: 201, body: '{}'}").await;
    mount(b, at_b, "{status: 201, body: '{}'}").await;
    fill_valid(a);
    fill_valid(b);
    // A page's `fetch` that makes both forms check an email that is not one while form `a`
    // sends: `a` is busy and drops it (no error shows), `b` is not and shows its error. A
    // `submit` of `a` then is dropped too, but its default (leaving the page) is still prevented.
    run(&format!(
        "window.__pgSavedFetch = window.fetch;
         window.fetch = (url, init) => {{
           window.fetch = __pgSavedFetch;
           for (const id of [{a:?}, {b:?}]) {{
             const email = document.getElementById(id).shadowRoot.querySelector('[name=email]');
             email.value = 'not-an-email';
             email.dispatchEvent(new FocusEvent('focusout', {{ bubbles: true }}));
           }}
           const form = document.getElementById({a:?}).shadowRoot.querySelector('form');
           window.__pgNotPrevented = form.dispatchEvent(new Event('submit', {{ cancelable: true }}));
           return __pgSavedFetch(url, init);
         }};"
    ));
    submit(a);
    until("a's thanks", || eval(a, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    assert_eq!(posts(at_a).len(), 1);
    assert!(posts(at_b).is_empty(), "b sent nothing");
    assert_eq!(
        run("return __pgNotPrevented;").as_bool(),
        Some(false),
        "a's submit stayed on the page"
    );
    let invalid = "root.querySelector('[name=email]').getAttribute('aria-invalid')";
    // `a`'s submit checked every field before sending: that check stands.
    let dropped = "a dropped the check made while it sent";
    assert_eq!(eval(a, invalid).as_string().as_deref(), Some("false"), "{dropped}");
    assert_eq!(eval(b, invalid).as_string().as_deref(), Some("true"), "b checked");
    // `b` goes on with its own submission.
    eval(
        b,
        "(() => { const email = root.querySelector('[name=email]'); email.value = 'jo@example.com';
           email.dispatchEvent(new Event('input', {bubbles: true})); })()",
    );
    assert_eq!(eval(b, invalid).as_string().as_deref(), Some("false"), "b's error went");
    submit(b);
    until("b's thanks", || eval(b, "!root.querySelector('.ok').hidden").as_bool() == Some(true))
        .await;
    let (sent_a, sent_b) = (posts(at_a), posts(at_b));
    assert_eq!(sent_b.len(), 1);
    assert_eq!(sent_b[0].fields["email"], FieldValue::Text("jo@example.com".into()));
    assert_ne!(sent_a[0].submission_id, sent_b[0].submission_id);
}

#[wasm_bindgen_test]
async fn too_many_tries_say_so_and_keep_the_form_usable() {
    let endpoint = "https://form-429.example";
    let id = "form-429";
    mount(id, endpoint, "{status: 429}").await;
    fill_valid(id);
    submit(id);
    until("the refusal", || {
        eval(id, "!root.querySelector('button').disabled && root.querySelector('.status').textContent !== ''")
            .as_bool()
            == Some(true)
    })
    .await;
    assert_eq!(posts(endpoint).len(), 1);
    assert_eq!(
        eval_str(id, "root.querySelector('.status').textContent"),
        "Too many tries in a row. Please wait a minute and try again."
    );
    assert_eq!(eval_str(id, "root.querySelector('[name=email]').value"), "jane@example.com");
}

#[wasm_bindgen_test]
async fn a_refusals_message_shows_at_its_field_or_above_the_button() {
    // The server's message at the field it names (the form's `fix_fields` above the button), or
    // above the button without a field; without a message (or one that is no text), the form's
    // failure message.
    let endpoint = "https://form-refusals.example";
    let id = "form-refusals";
    let refusals = [
        r#"{"error":{"code":"invalid_field","message":"Bitte prüfen.","field":"fields.phone"}}"#,
        r#"{"error":{"code":"rate","message":"Server says no"}}"#,
        r#"{"error":{"code":"rate","message":7}}"#,
        r#"{"error":{"code":"invalid_field","field":"fields.phone"}}"#,
    ];
    let answers: Vec<String> =
        refusals.iter().map(|r| format!("{{status: 400, body: {r:?}}}")).collect();
    mount(id, endpoint, &answers.join(", ")).await;
    fill_valid(id);
    let failure = "We could not send your message. Please check your connection and try again.";
    let fix = "Please correct the marked fields.";
    let expected = [("Bitte prüfen.", fix), ("", "Server says no"), ("", failure), (failure, fix)];
    for (n, (at_phone, status)) in expected.into_iter().enumerate() {
        submit(id);
        until("the refusal", || {
            posts(endpoint).len() == n + 1
                && eval(id, "root.querySelector('button').disabled").as_bool() == Some(false)
                && eval_str(id, "root.querySelector('.status').textContent") == status
        })
        .await;
        assert_eq!(eval_str(id, "root.getElementById('e2').textContent"), at_phone, "refusal {n}");
    }
}
