// Opened from disk (file://), a browser refuses to start the search's web worker, so the search
// box would wait forever: hide it there. Served over http(s), search works as usual.
if (window.location.protocol === "file:") {
  const style = document.createElement("style");
  style.textContent = '.md-search, label[for="__search"] { display: none !important; }';
  document.head.appendChild(style);
}
