/** The console: sign-in, then one page per hash route (`#/search?…` is a shareable URL). */
import { ApiError, api, clearKey, getKey, loadConfig, setKey } from './api.js';
import { errorBox, field, h, showPage } from './dom.js';
import { eventPage } from './event.js';
import { evidencePage } from './evidence.js';
import { erasuresPage, holdsPage } from './governance.js';
import { queuePage } from './queue.js';
import { reportPage, reportsPage } from './reports.js';
import { searchPage } from './search.js';

const PAGES = {
  search: searchPage,
  event: eventPage,
  queue: queuePage,
  reports: reportsPage,
  report: reportPage,
  evidence: evidencePage,
  holds: holdsPage,
  erasures: erasuresPage,
};

/** `#/event/abc?x=1` → `{name: 'event', arg: 'abc', params}`. */
const parseRoute = () => {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : 'search';
  const [path, query = ''] = hash.split('?', 2);
  const [name = 'search', ...rest] = path.split('/');
  const arg = rest.length === 0 ? undefined : decodeURIComponent(rest.join('/'));
  return {
    name: name === 'reports' && arg ? 'report' : name,
    arg,
    params: new URLSearchParams(query),
  };
};

const signInPage = (message) => {
  const key = h('input', {
    name: 'key',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
  });
  const form = h(
    'form',
    {
      class: 'card sign-in',
      onsubmit: async (event) => {
        event.preventDefault();
        setKey(key.value.trim());
        try {
          await api('/v1/checkpoints/keys');
          if (!location.hash.startsWith('#/')) location.hash = '#/search';
          await render();
        } catch (error) {
          clearKey();
          signInPage(
            error instanceof ApiError && error.status === 401
              ? 'That key was not accepted.'
              : error.message,
          );
        }
      },
    },
    field(
      'API key',
      key,
      'A reviewer, auditor or admin key (audit-trail keys create). Kept in this tab only.',
    ),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  chrome(false);
  showPage('Sign in', message ? errorBox({ message }) : null, form);
};

/** Shows the navigation when signed in, marking the current page. */
const chrome = (signedIn) => {
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  const current = parseRoute().name;
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').slice(2);
    const on =
      target === current ||
      (current === 'report' && target === 'reports') ||
      (current === 'event' && target === 'search');
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
};

const render = async () => {
  if (!getKey()) return signInPage();
  chrome(true);
  const route = parseRoute();
  const page = PAGES[route.name] ?? searchPage;
  try {
    await page(route);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      clearKey();
      return signInPage('The key was refused; sign in again.');
    }
    showPage('Something went wrong', errorBox(error));
  }
};

document.getElementById('sign-out').addEventListener('click', () => {
  clearKey();
  location.hash = '#/search';
  signInPage();
});
window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/')) void render();
});
await loadConfig();
await render();
