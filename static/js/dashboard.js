// Draws the dashboard's charts from the figures the page embeds (Chart.js, served by the portal itself).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) { return; }
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var palette = ["#0b5cad", "#2f855a", "#c05621", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"];
  new Chart(document.getElementById("chart-districts"), {
    type: "bar",
    data: { labels: data.districts.labels, datasets: [{ data: data.districts.values, backgroundColor: palette }] },
    options: { animation: false, plugins: { legend: { display: false } } }
  });
  new Chart(document.getElementById("chart-stages"), {
    type: "doughnut",
    data: { labels: data.stages.labels, datasets: [{ data: data.stages.values, backgroundColor: palette }] },
    options: { animation: false }
  });
});
