// Inline SVG icons (24×24, stroked with currentColor), the same drawing style
// as the server-rendered pages' icons.
const svg = (body: string, cls = 'rp-icon') =>
  `<svg class="${cls}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${body}</svg>`;

export const icons = {
  view: svg('<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M3 9h18"/><circle cx="6" cy="6.5" r=".6" fill="currentColor"/>'),
  action: svg('<path d="M9 4v9.5l-2.2-2.1a1.6 1.6 0 0 0-2.3 2.2L9.5 19c.9.9 2 1.4 3.3 1.4h2.4A4.8 4.8 0 0 0 20 15.6V11a1.5 1.5 0 0 0-3 0v-.7a1.5 1.5 0 0 0-3 0v-.5a1.5 1.5 0 0 0-3 0V4a1 1 0 0 0-2 0z"/>'),
  input: svg('<rect x="3" y="6" width="18" height="12" rx="2"/><path d="M7 10v4M11 12h6"/>'),
  scroll: svg('<rect x="7" y="3" width="10" height="18" rx="5"/><path d="M12 7v3"/>'),
  error: svg('<path d="M12 3.5 2.8 19.5h18.4z"/><path d="M12 10v4.5M12 17.2v.1"/>'),
  play: svg('<path d="M7 4.5v15l12.5-7.5z" fill="currentColor" stroke="none"/>'),
  pause: svg('<rect x="6" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none"/><rect x="14" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none"/>'),
  replay: svg('<path d="M4 12a8 8 0 1 0 2.4-5.7"/><path d="M4 4v4.5h4.5"/>'),
  link: svg('<path d="M10 14a4.5 4.5 0 0 0 6.4 0l3-3a4.5 4.5 0 0 0-6.4-6.4l-1.2 1.2"/><path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3 3a4.5 4.5 0 0 0 6.4 6.4l1.2-1.2"/>'),
  details: svg('<path d="M14 4h6v6M20 4l-8.5 8.5M18 14v4.5a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 4 18.5v-11A1.5 1.5 0 0 1 5.5 6H10"/>'),
  foldLeft: svg('<path d="m14.5 6-6 6 6 6"/>'),
  foldRight: svg('<path d="m9.5 6 6 6-6 6"/>'),
  fullscreen: svg('<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/>'),
  exitFullscreen: svg('<path d="M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5"/>'),
  skip: svg('<path d="M5 5.5v13l8-6.5z" fill="currentColor" stroke="none"/><path d="M12 5.5v13l8-6.5z" fill="currentColor" stroke="none"/>'),
  check: svg('<path d="m5 12.5 4.5 4.5L19 7.5"/>'),
  warning: svg('<path d="M12 3.5 2.8 19.5h18.4z"/><path d="M12 10v4.5M12 17.2v.1"/>'),
};
