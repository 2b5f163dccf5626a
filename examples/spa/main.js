// A single-page app with client-side routing and PulseGate from npm. Route changes are History
// API navigations, which the SDK records as pageviews by itself; `track` and `identify` record
// what only the app knows.
import { init, track, identify, getVisitorId, mountForm } from '@pulsegate/sdk';

const endpoint = document.querySelector('meta[name="pulsegate-endpoint"]').content;
init({ siteKey: 'demo', endpoint });

const routes = {
  '/spa/': ['Dashboard', () => '<h1>Dashboard</h1><p>Your panels made 31 kWh today.</p>'],
  '/spa/plans': ['Plans', () => `<h1>Plans</h1>
    <p><button data-plan="basic">Choose Basic</button> <button data-plan="pro" id="choose-pro">Choose Pro</button></p>`],
  '/spa/account': ['Account', () => `<h1>Account</h1>
    <form id="sign-in"><label>Customer number <input name="customer" value="C-1042" required></label>
    <button id="sign-in-button">Sign in</button></form><p id="visitor"></p>`],
  '/spa/quote': ['Quote', () => '<h1>Get a quote</h1><div id="quote-form"></div>'],
};

function render() {
  const [title, view] = routes[location.pathname] ?? ['Not found', () => '<h1>Not found</h1>'];
  document.getElementById('view').innerHTML = view();
  document.title = `${title} | Brightside app`;
  // The lead form "quote" (site and endpoint from init()), its leads linked to this session.
  const quote = document.getElementById('quote-form');
  if (quote) mountForm(quote, { formId: 'quote' });
}

function go(path) {
  if (path !== location.pathname) history.pushState({}, '', path);
  render();
}

document.getElementById('nav').addEventListener('click', (event) => {
  const link = event.target.closest('a');
  if (!link) return;
  event.preventDefault();
  go(link.pathname);
});

document.getElementById('view').addEventListener('click', (event) => {
  const plan = event.target.dataset?.plan;
  if (plan) {
    track('plan_selected', { plan, monthly: plan === 'pro' ? 49 : 19 });
    go('/spa/account');
  }
});

document.getElementById('view').addEventListener('submit', (event) => {
  event.preventDefault();
  const customer = new FormData(event.target).get('customer');
  identify(customer, { plan: 'pro' });
  document.getElementById('visitor').textContent = `Signed in. Visitor ${getVisitorId() ?? '(not tracked)'}`;
});

addEventListener('popstate', render);
render();
