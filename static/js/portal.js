// The portal's own script: send the CSRF token with every htmx request.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.body.dataset.csrfToken;
  if (token) {
    event.detail.headers["X-CSRFToken"] = token;
  }
});

// A button with data-print prints the page (no inline onclick: the CSP forbids it).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A 503 (the database is away) carries a Thai "try again" notice for the top of the
// page: htmx ignores error responses unless told to show them.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 503) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
