// Draws the projects' charts of the dashboard from the figures the page embeds (Chart.js, served by the portal).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) { return; }
  var data = JSON.parse(document.getElementById("project-chart-data").textContent);
  var palette = ["#0b5cad", "#2f855a", "#c05621", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568", "#9b2c2c", "#718096"];
  new Chart(document.getElementById("chart-project-states"), {
    type: "bar",
    data: { labels: data.states.labels, datasets: [{ data: data.states.values, backgroundColor: palette }] },
    options: { animation: false, indexAxis: "y", plugins: { legend: { display: false } } }
  });
  new Chart(document.getElementById("chart-acceptance"), {
    type: "doughnut",
    data: { labels: data.outcomes.labels, datasets: [{ data: data.outcomes.values, backgroundColor: ["#2f855a", "#c05621", "#9b2c2c"] }] },
    options: { animation: false }
  });
});
