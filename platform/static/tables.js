// On a phone, tables become stacked cards: each cell is labelled with its column's header,
// which the stylesheet shows before the value (see .table in skillbridge.css).
document.querySelectorAll("table.table").forEach(function (table) {
  var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
    return th.textContent.trim();
  });
  table.querySelectorAll("tbody tr").forEach(function (row) {
    Array.prototype.forEach.call(row.children, function (cell, index) {
      if (headers[index] && !cell.hasAttribute("data-label")) {
        cell.setAttribute("data-label", headers[index]);
      }
    });
  });
});
