// Reloads a page that waits for the server (an export being built) every few seconds. The page's
// meta refresh is for browsers without script; Chromium ignores it on a page reached through a
// form's redirect, which is how the portal's export page is reached.
(function () {
  var waiting = document.querySelector("[data-reload-after]");
  if (waiting) {
    setTimeout(function () { location.replace(location.href); }, Number(waiting.getAttribute("data-reload-after")) * 1000);
  }
})();
