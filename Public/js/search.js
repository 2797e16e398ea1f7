// The search results answer the arrow keys: Down and Up move between the result links, across
// the groups, as Tab does; Home and End go to the first and the last.
document.addEventListener("keydown", (event) => {
  const list = document.querySelector("[data-keyboard-list]");
  if (!list || !["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) return;
  const links = [...list.querySelectorAll(".hits a")];
  const at = links.indexOf(document.activeElement);
  const search = document.activeElement && document.activeElement.name === "q";
  if (at < 0 && !search) return;
  const next = {
    ArrowDown: at < 0 ? 0 : Math.min(at + 1, links.length - 1),
    ArrowUp: Math.max(at - 1, 0),
    Home: 0,
    End: links.length - 1,
  }[event.key];
  if (search && event.key !== "ArrowDown") return;
  if (links[next]) { event.preventDefault(); links[next].focus(); }
});
