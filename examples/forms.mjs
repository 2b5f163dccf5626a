// The example site's lead form (`contact`, site `demo`): saved by `cargo xtask dev` through the
// admin API (PUT /analytics/forms/contact), rendered by /pulse.js on pulse.html and filled from a
// server by examples/server.
export const CONTACT_FORM = {
  form_id: 'contact',
  site_key: 'demo',
  name: 'Contact (example site)',
  fields: [
    { name: 'name', label: 'Your name', type: 'text', required: true, max_length: 80 },
    { name: 'email', label: 'Email', type: 'email', required: true, placeholder: 'you@example.com' },
    { name: 'message', label: 'How can we help?', type: 'textarea', max_length: 2000 },
  ],
  submit_text: 'Send',
  success_message: 'Thanks! We will get back to you within a day.',
  hidden_fields: [{ name: 'utm_source', source: 'utm_source' }],
};
