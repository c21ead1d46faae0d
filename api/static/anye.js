// 安业 Anye: the pages work without this; it only stops a form being sent twice by a second tap.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit],button:not([type])").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
});
// A broker's one-time sign-in link (/signin/link#token): the token stays out of addresses and logs.
var link = document.getElementById("link-signin");
if (link && location.hash.length > 1) {
  link.elements.token.value = location.hash.slice(1);
  history.replaceState(null, "", location.pathname);
  if (!document.querySelector("[role=alert]")) { link.submit(); }
}
