// Drag goals into a new order; the order is sent through the group's hidden reorder form
// (htmx swaps the list; without htmx the up/down buttons do the same job).
document.addEventListener("DOMContentLoaded", function () {
  var dragged = null;
  document.body.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest(".goal-item");
    if (!item) return;
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.goalId);
  });
  document.body.addEventListener("dragover", function (event) {
    var item = event.target.closest && event.target.closest(".goal-item");
    if (!dragged || !item || item === dragged || item.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    var box = item.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    item.parentNode.insertBefore(dragged, after ? item.nextSibling : item);
  });
  document.body.addEventListener("dragend", function () {
    if (!dragged) return;
    var list = dragged.parentNode;
    dragged.classList.remove("dragging");
    dragged = null;
    var form = document.getElementById(list.dataset.reorderForm);
    if (!form) return;
    var ids = Array.prototype.map.call(list.querySelectorAll(".goal-item"), function (li) {
      return li.dataset.goalId;
    });
    form.querySelector("input[name=order]").value = ids.join(",");
    if (window.htmx) { window.htmx.trigger(form, "reorder"); } else { form.submit(); }
  });
});
