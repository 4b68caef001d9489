// A small single-page shop instrumented with the real @datadog/browser-rum, pointed at a
// Reprise server through the SDK's `proxy` option (docs/datadog.md). The e2e test bundles
// this file with esbuild and defines __REPRISE_URL__.
import { datadogRum } from '@datadog/browser-rum';

datadogRum.init({
  applicationId: 'dd-e2e',
  clientToken: 'pub-dd-e2e',
  proxy: `${__REPRISE_URL__}/v1/datadog`,
  service: 'dd-e2e-shop',
  sessionSampleRate: 100,
  sessionReplaySampleRate: 100,
  telemetrySampleRate: 0,
  defaultPrivacyLevel: 'mask-user-input',
  trackUserInteractions: true,
});
window.ddRum = datadogRum; // lets the test see that the SDK started

let cartItems = 0;

function el(tag, attrs = {}, text = '') {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function renderHome(app) {
  app.append(el('h1', {}, 'Datadog test shop'));
  const label = el('label', { for: 'search' }, 'Search ');
  label.append(el('input', { id: 'search', type: 'text' }));
  app.append(label);
  app.append(el('p', { id: 'cart' }, cartText()));
  const add = el('button', { id: 'add' }, 'Add to cart');
  add.addEventListener('click', () => {
    cartItems++;
    document.getElementById('cart').textContent = cartText();
    promo.shadowRoot.querySelector('p').textContent = promoText();
  });
  app.append(add);
  // A shadow root with an adopted style sheet: Datadog records both (#shadow-root and
  // AttachedStyleSheets), and the replay must rebuild them.
  const promo = el('div', { id: 'promo' });
  const shadow = promo.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('p { color: rgb(0, 128, 0); }');
  shadow.adoptedStyleSheets = [sheet];
  shadow.append(el('p', {}, promoText()));
  app.append(promo);
  const nav = el('a', { id: 'nav-orders', href: '/orders' }, 'Orders');
  nav.addEventListener('click', (e) => {
    e.preventDefault();
    history.pushState({}, '', '/orders'); // a route change: Datadog starts a new view
    render();
  });
  app.append(nav);
}

function renderOrders(app) {
  app.append(el('h1', {}, 'Orders of the Datadog test shop'));
  app.append(el('p', { id: 'orders-status' }, `${cartItems} items waiting for payment`));
  const pay = el('button', { id: 'pay' }, 'Pay now');
  pay.addEventListener('click', () => {
    const status = document.getElementById('orders-status');
    status.textContent = 'Payment failed';
    status.className = 'failed';
    // Unhandled, so the SDK reports it as an error of source "source".
    setTimeout(() => {
      throw new Error('Payment gateway exploded (dd e2e)');
    }, 0);
  });
  app.append(pay);
}

function promoText() {
  return `Free shipping from 3 items (${cartItems} so far)`;
}

function cartText() {
  return `Cart: ${cartItems} ${cartItems === 1 ? 'item' : 'items'}`;
}

function render() {
  const app = document.getElementById('app');
  app.replaceChildren();
  if (location.pathname === '/orders') renderOrders(app);
  else renderHome(app);
}

window.addEventListener('popstate', render);
render();
