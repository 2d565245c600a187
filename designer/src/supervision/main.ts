// Supervision: the service's figures as charts (on-time rate and overdue work by department and by service, the rating
// distribution), each with the same figures as a table, and the follow-up tasks (overdue work, poor ratings) to close.
import "./messages";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from "chart.js";
import { api, ApiError } from "../shared/api";
import { departmentName, scenarioTitle, type Counts, type FollowUp, type Stats } from "../shared/domain";
import { announce, busy, el, errorBox, loading, setContent } from "../shared/dom";
import { formatDateTime, formatNumber, formatPercent, onLocaleChange, t, tCode } from "../shared/i18n";
import { startPage } from "../shared/shell";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
// The page's own text colour and fonts (Chart.js draws on a canvas and does not inherit them).
Chart.defaults.color = "#1b1f24";
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 13;

// Colours with at least 3:1 contrast on white (WCAG non-text contrast); the legend and the tables carry the meaning too.
const COLOURS = { onTime: "#1a7f37", dueSoon: "#9a6700", overdueOpen: "#b3261e", overdueCompleted: "#6e2a8c", rating: "#0b5cad" };

let main: HTMLElement;
let charts: Chart[] = [];
let followUpStatus: "open" | "closed" = "open";
let stats: Stats | null = null;
let statsError: unknown = null;

startPage({ titleKey: "supervision.title", role: "supervisor", roles: ["supervisor", "admin"] }, (mainElement) => {
  main = mainElement;
  onLocaleChange(() => render());
  void load().then(render);
});

async function load(): Promise<void> {
  try {
    const answer = await api<Partial<Stats>>("/api/stats");
    // Tolerant of a server that leaves a part out: an absent list is an empty one.
    stats = {
      generatedAt: answer.generatedAt ?? new Date().toISOString(),
      departments: answer.departments ?? [],
      scenarios: answer.scenarios ?? [],
      ratings: { count: answer.ratings?.count ?? 0, average: answer.ratings?.average ?? null, distribution: answer.ratings?.distribution ?? {} },
    };
    statsError = null;
  } catch (error) {
    stats = null;
    statsError = error instanceof ApiError && error.status === 404 && !error.detail ? new ApiError({ status: 404, title: t("supervision.statsUnavailable") }) : error;
  }
}

function render(): void {
  for (const chart of charts) chart.destroy();
  charts = [];
  const refresh = el("button", { type: "button", className: "button-secondary", "data-testid": "refresh-stats" }, t("supervision.refresh"));
  refresh.addEventListener("click", () =>
    void busy(refresh, async () => {
      await load();
      render();
      announce(t("supervision.refreshed"));
    }),
  );
  const followUps = el("section", { className: "card", "aria-labelledby": "followups-heading", "data-testid": "follow-ups" });
  setContent(
    main,
    el("div", { className: "card-header" }, el("h1", {}, t("supervision.heading")), refresh),
    stats ? el("p", { className: "muted small" }, t("supervision.generatedAt", { date: formatDateTime(stats.generatedAt) })) : null,
    statsError instanceof ApiError && statsError.status === 404 && statsError.title === t("supervision.statsUnavailable")
      ? el("p", { className: "alert alert-info", role: "status", "data-testid": "stats-error" }, statsError.title)
      : statsError
        ? errorBox(statsError, { testId: "stats-error" })
        : null,
    stats ? statsSections(stats) : null,
    followUps,
  );
  void renderFollowUps(followUps);
}

/** Finished on time among finished work; null when nothing has finished. */
function onTimeRate(counts: Counts): number | null {
  return counts.completed > 0 ? counts.completedOnTime / counts.completed : null;
}

function statsSections(data: Stats): HTMLElement[] {
  const departments = [...data.departments].sort((a, b) => departmentName(a.department).localeCompare(departmentName(b.department)));
  const scenarios = [...data.scenarios].sort((a, b) => scenarioTitle(a.scenario, a.title).localeCompare(scenarioTitle(b.scenario, b.title)));
  const totalOpen = departments.reduce((sum, d) => sum + d.tasks.open, 0);
  const totalRed = departments.reduce((sum, d) => sum + d.tasks.red, 0);
  const completed = departments.reduce((sum, d) => sum + d.tasks.completed, 0);
  const completedOnTime = departments.reduce((sum, d) => sum + d.tasks.completedOnTime, 0);

  const summary = el(
    "section",
    { className: "card", "aria-labelledby": "summary-heading" },
    el("h2", { id: "summary-heading" }, t("supervision.summary")),
    el(
      "dl",
      { className: "facts", "data-testid": "stats-summary" },
      el("dt", {}, t("supervision.openWork")),
      el("dd", {}, formatNumber(totalOpen)),
      el("dt", {}, t("supervision.overdueNow")),
      el("dd", {}, formatNumber(totalRed)),
      el("dt", {}, t("supervision.onTimeRate")),
      el("dd", {}, completed > 0 ? formatPercent(completedOnTime / completed) : "—"),
      el("dt", {}, t("supervision.ratingsCount")),
      el("dd", {}, formatNumber(data.ratings.count)),
      el("dt", {}, t("supervision.ratingsAverage")),
      el("dd", {}, data.ratings.average != null ? formatNumber(data.ratings.average, 2) : "—"),
    ),
  );

  const departmentNames = departments.map((d) => departmentName(d.department));
  const scenarioNames = scenarios.map((s) => scenarioTitle(s.scenario, s.title));
  const distribution = [1, 2, 3, 4, 5].map((score) => data.ratings.distribution[String(score)] ?? 0);

  return [
    summary,
    el(
      "div",
      { className: "grid" },
      rateChart("chart-on-time-department", t("chart.onTimeByDepartment"), t("table.department"), departmentNames, departments.map((d) => onTimeRate(d.tasks))),
      overdueChart("chart-overdue-department", t("chart.overdueByDepartment"), t("table.department"), departmentNames, departments.map((d) => d.tasks)),
      rateChart("chart-on-time-scenario", t("chart.onTimeByScenario"), t("table.scenario"), scenarioNames, scenarios.map((s) => onTimeRate(s.applications))),
      overdueChart("chart-overdue-scenario", t("chart.overdueByScenario"), t("table.scenario"), scenarioNames, scenarios.map((s) => s.applications)),
      ratingChart(distribution),
    ),
    countsTable("table-departments", t("table.byDepartment"), t("table.department"), departmentNames, departments.map((d) => ({ counts: d.tasks, days: d.handlingDays, supplements: d.supplements }))),
    countsTable("table-scenarios", t("table.byScenario"), t("table.scenario"), scenarioNames, scenarios.map((s) => ({ counts: s.applications, days: s.handlingDays, supplements: s.supplements }))),
  ];
}

/** A chart in a figure: the canvas is an image described in words, the same figures follow as a table. */
function chartFigure(id: string, title: string, description: string[], config: ChartConfiguration<"bar">, table: HTMLElement, empty: boolean): HTMLElement {
  const canvas = el("canvas", { id, role: "img", "aria-label": `${title}. ${description.join("; ")}` });
  const figure = el(
    "figure",
    { className: "card chart-card", "data-testid": id },
    el("figcaption", {}, el("h2", {}, title)),
    empty ? el("p", { className: "muted" }, t("supervision.noData")) : el("div", { className: "chart-box" }, canvas),
    el("details", {}, el("summary", {}, t("chart.showTable")), table),
  );
  if (!empty) {
    // Created once the canvas is in the document, so Chart.js can measure it.
    requestAnimationFrame(() => {
      if (canvas.isConnected) charts.push(new Chart(canvas, config));
    });
  }
  return figure;
}

function baseOptions(percent: boolean): ChartConfiguration<"bar">["options"] {
  const locale = document.documentElement.lang || "en";
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    locale,
    indexAxis: "y",
    plugins: { legend: { position: "bottom" } },
    scales: {
      x: {
        beginAtZero: true,
        ...(percent ? { max: 1, ticks: { callback: (value: string | number) => formatPercent(Number(value)) } } : { ticks: { precision: 0 } }),
      },
    },
  };
}

function rateChart(id: string, title: string, firstHeader: string, labels: string[], rates: Array<number | null>): HTMLElement {
  const table = simpleTable([firstHeader, t("table.onTimeRate")], labels.map((label, i) => [label, rates[i] == null ? "—" : formatPercent(rates[i]!)]));
  return chartFigure(
    id,
    title,
    labels.map((name, i) => t("chart.describeRate", { name, rate: rates[i] == null ? "—" : formatPercent(rates[i]!) })),
    {
      type: "bar",
      data: { labels, datasets: [{ label: t("chart.onTimeRate"), data: rates.map((r) => r ?? 0), backgroundColor: COLOURS.onTime }] },
      options: baseOptions(true),
    },
    table,
    labels.length === 0,
  );
}

function overdueChart(id: string, title: string, firstHeader: string, labels: string[], counts: Counts[]): HTMLElement {
  const table = simpleTable(
    [firstHeader, t("chart.dueSoon"), t("chart.overdueOpen"), t("chart.overdueCompleted")],
    labels.map((label, i) => [label, formatNumber(counts[i]!.yellow), formatNumber(counts[i]!.red), formatNumber(counts[i]!.overdueCompleted)]),
  );
  const options = baseOptions(false)!;
  options.scales = { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } };
  return chartFigure(
    id,
    title,
    labels.map((name, i) => t("chart.describeOverdue", { name, open: counts[i]!.red, done: counts[i]!.overdueCompleted })),
    {
      type: "bar",
      data: {
        labels,
        datasets: [
          { label: t("chart.dueSoon"), data: counts.map((c) => c.yellow), backgroundColor: COLOURS.dueSoon },
          { label: t("chart.overdueOpen"), data: counts.map((c) => c.red), backgroundColor: COLOURS.overdueOpen },
          { label: t("chart.overdueCompleted"), data: counts.map((c) => c.overdueCompleted), backgroundColor: COLOURS.overdueCompleted },
        ],
      },
      options,
    },
    table,
    labels.length === 0,
  );
}

function ratingChart(distribution: number[]): HTMLElement {
  const labels = distribution.map((_, i) => t("chart.stars", { n: i + 1 }));
  const options = baseOptions(false)!;
  options.indexAxis = "x";
  options.scales = { y: { beginAtZero: true, ticks: { precision: 0 } } };
  return chartFigure(
    "chart-ratings",
    t("chart.ratings"),
    labels.map((stars, i) => t("chart.describeRating", { stars, n: distribution[i]! })),
    {
      type: "bar",
      data: { labels, datasets: [{ label: t("chart.ratingCount"), data: distribution, backgroundColor: COLOURS.rating }] },
      options,
    },
    simpleTable([t("table.score"), t("table.count")], labels.map((label, i) => [label, formatNumber(distribution[i]!)])),
    false,
  );
}

function simpleTable(headers: string[], rows: string[][]): HTMLElement {
  return el(
    "div",
    { className: "table-wrap" },
    el(
      "table",
      { className: "data" },
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((row) => el("tr", {}, row.map((cell, i) => (i === 0 ? el("th", { scope: "row" }, cell) : el("td", {}, cell)))))),
    ),
  );
}

function countsTable(
  id: string,
  title: string,
  firstColumn: string,
  names: string[],
  rows: Array<{ counts: Counts; days?: { average?: number | null; p90?: number | null }; supplements?: number }>,
): HTMLElement {
  const days = (value: number | null | undefined) => (value == null ? "—" : formatNumber(value, 1));
  const headers = [
    firstColumn,
    t("table.open"),
    t("table.onTime"),
    t("table.yellow"),
    t("table.red"),
    t("table.completed"),
    t("table.completedOnTime"),
    t("table.overdueCompleted"),
    t("table.onTimeRate"),
    t("table.averageDays"),
    t("table.p90Days"),
    t("table.supplements"),
  ];
  return el(
    "section",
    { className: "card", "aria-labelledby": `${id}-heading`, "data-testid": id },
    el("h2", { id: `${id}-heading` }, title),
    el(
      "div",
      { className: "table-wrap" },
      el(
        "table",
        { className: "data responsive" },
        el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
        el(
          "tbody",
          {},
          rows.map((row, i) => {
            const cells = [
              formatNumber(row.counts.open),
              formatNumber(row.counts.onTime),
              formatNumber(row.counts.yellow),
              formatNumber(row.counts.red),
              formatNumber(row.counts.completed),
              formatNumber(row.counts.completedOnTime),
              formatNumber(row.counts.overdueCompleted),
              onTimeRate(row.counts) == null ? "—" : formatPercent(onTimeRate(row.counts)!),
              days(row.days?.average),
              days(row.days?.p90),
              row.supplements == null ? "—" : formatNumber(row.supplements),
            ];
            return el(
              "tr",
              {},
              el("th", { scope: "row", "data-label": firstColumn }, names[i]!),
              cells.map((cell, c) => el("td", { "data-label": headers[c + 1]! }, cell)),
            );
          }),
        ),
      ),
    ),
  );
}

// ---- Follow-up tasks ----

async function renderFollowUps(section: HTMLElement): Promise<void> {
  const heading = el("h2", { id: "followups-heading" }, t("followups.heading"));
  const show = el(
    "select",
    { id: "followups-status", "data-testid": "followups-status" },
    el("option", { value: "open", selected: followUpStatus === "open" }, t("followups.open")),
    el("option", { value: "closed", selected: followUpStatus === "closed" }, t("followups.closed")),
  );
  show.addEventListener("change", () => {
    followUpStatus = show.value === "closed" ? "closed" : "open";
    void renderFollowUps(section);
  });
  const body = el("div", {}, loading());
  setContent(
    section,
    el("div", { className: "card-header" }, heading, el("div", { className: "row" }, el("label", { for: "followups-status", className: "inline-label" }, t("followups.show")), show)),
    body,
  );
  let items: FollowUp[];
  try {
    items = await api<FollowUp[]>(`/api/follow-ups?status=${followUpStatus}`);
  } catch (error) {
    setContent(body, errorBox(error, { testId: "followups-error" }));
    return;
  }
  if (items.length === 0) {
    setContent(body, el("p", { "data-testid": "followups-empty" }, t("followups.none")));
    return;
  }
  setContent(body, el("ul", { className: "plain" }, items.map((item) => followUpItem(item, section))));
}

function followUpItem(item: FollowUp, section: HTMLElement): HTMLElement {
  const messages = el("div");
  const facts = el(
    "dl",
    { className: "facts" },
    el("dt", {}, t("followups.scenario")),
    el("dd", {}, scenarioTitle(item.scenario)),
    item.department ? [el("dt", {}, t("followups.department")), el("dd", {}, departmentName(item.department))] : null,
    el("dt", {}, t("followups.application")),
    el("dd", {}, item.applicationId),
    el("dt", {}, t("followups.created")),
    el("dd", {}, formatDateTime(item.createdAt)),
    item.note ? [el("dt", {}, t("followups.note")), el("dd", {}, item.note)] : null,
  );
  const card = el(
    "li",
    { className: "card", "data-testid": `follow-up-${item.id}` },
    el(
      "div",
      { className: "card-header" },
      el("h3", {}, tCode("followups.kind", item.kind)),
      el("span", { className: `badge badge-${item.status === "open" ? "supplement-requested" : "completed"}` }, t(`followups.${item.status === "open" ? "open" : "closed"}`)),
    ),
    el("p", {}, item.summary),
    messages,
    facts,
    item.status === "closed" && item.closedBy ? el("p", { className: "muted small" }, t("followups.closedBy", { name: item.closedBy, date: formatDateTime(item.closedAt) })) : null,
  );
  if (item.status !== "open") return card;

  if (item.kind === "overdue" && item.taskId) card.append(extensionForm(item.taskId, item.id, messages));

  const noteId = `note-${item.id}`;
  const note = el("textarea", { id: noteId, maxlength: 2000, required: true, "data-testid": `follow-up-note-${item.id}` });
  const close = el("button", { type: "submit", "aria-label": t("followups.closeNamed", { summary: item.summary }), "data-testid": `close-follow-up-${item.id}` }, t("followups.close"));
  const form = el("form", { novalidate: true }, el("div", { className: "field" }, el("label", { for: noteId }, t("followups.noteLabel")), note), el("div", { className: "actions" }, close));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(close, async () => {
      messages.replaceChildren();
      if (!note.value.trim()) {
        messages.append(errorBox(new ApiError({ status: 400, title: t("followups.noteRequired") })));
        note.focus();
        return;
      }
      try {
        await api(`/api/follow-ups/${encodeURIComponent(item.id)}/close`, { method: "POST", json: { note: note.value.trim() } });
      } catch (error) {
        messages.append(errorBox(error, { testId: "close-error" }));
        return;
      }
      announce(t("followups.closedDone"));
      await renderFollowUps(section);
      section.querySelector<HTMLElement>("#followups-heading")?.focus();
    });
  });
  card.append(form);
  return card;
}

function extensionForm(taskId: string, key: string, messages: HTMLElement): HTMLElement {
  const daysId = `extension-days-${key}`;
  const reasonId = `extension-reason-${key}`;
  const days = el("input", { id: daysId, type: "number", min: 1, step: 1, inputmode: "numeric", value: "10", "data-testid": `extension-days-${key}` });
  const reason = el("input", { id: reasonId, type: "text", maxlength: 500, "data-testid": `extension-reason-${key}` });
  const submit = el("button", { type: "submit", className: "button-secondary", "data-testid": `extend-${key}` }, t("extension.submit"));
  const form = el(
    "form",
    { novalidate: true, className: "stack" },
    el("h4", {}, t("extension.heading")),
    el("div", { className: "row" }, el("div", { className: "field" }, el("label", { for: daysId }, t("extension.days")), days), el("div", { className: "field" }, el("label", { for: reasonId }, t("extension.reason")), reason)),
    el("div", { className: "actions" }, submit),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      messages.replaceChildren();
      const workingDays = Number(days.value);
      if (!Number.isInteger(workingDays) || workingDays < 1 || !reason.value.trim()) {
        messages.append(errorBox(new ApiError({ status: 400, title: t("extension.invalid") })));
        return;
      }
      try {
        await api(`/api/tasks/${encodeURIComponent(taskId)}/extensions`, { method: "POST", json: { workingDays, reason: reason.value.trim() } });
      } catch (error) {
        messages.append(errorBox(error instanceof ApiError && error.status === 404 && !error.detail ? new ApiError({ status: 404, title: t("error.unavailable") }) : error));
        return;
      }
      messages.append(el("div", { className: "alert alert-success", role: "status" }, t("extension.done")));
      announce(t("extension.done"));
    });
  });
  return form;
}
