// Bar charts drawn by the page: inline SVG built with DOM calls (no HTML strings, no external
// script). Each chart is a `role="img"` with a label that says what it shows; each bar carries
// its figure in a `<title>` (a tooltip, read by screen readers) and in `data-value`. The views
// put a table of the same figures beside each chart.

import { el } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/** A new SVG element with these attributes (and a text). */
function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A "nice" top of the value axis: 1, 2 or 5 times a power of ten, at least `value`. */
export function niceMax(value) {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

let chartCount = 0;

/**
 * A bar chart: for each category (a day, an hour) one bar per series, side by side.
 *
 * - `id`: the figure's id; `title`: its heading (also the chart's accessible name, with
 *   `summary`, a sentence of what it shows);
 * - `categories`: their labels; `series`: `[{key, name, values}]`, a value per category
 *   (`null`: no figure, no bar);
 * - `max`: the top of the value axis (default: a round number above the largest value);
 * - `format(value)`: the text of a value (labels, tooltips, axis);
 * - `width`: the width it may take, in CSS pixels (the chart is drawn at that size, so its text
 *   stays readable; with many categories it is wider and its box scrolls sideways);
 * - `highlight`: the index of a category to stress (the busiest hour);
 * - `whole`: the values are counts (the axis has no tick between two whole numbers).
 */
export function barChart({
  id, title, summary, categories, series, max, format = String, width = 600, highlight = -1,
  whole = false,
}) {
  chartCount += 1;
  const titleId = `chart-title-${chartCount}`;
  const descId = `chart-desc-${chartCount}`;
  const figure = el('figure', 'chart');
  figure.id = id;
  const caption = el('figcaption', 'chart-title', title);
  caption.id = titleId;
  figure.append(caption);
  if (series.length > 1) {
    const legend = el('ul', 'legend');
    legend.setAttribute('aria-hidden', 'true'); // the chart's label and the table say the same
    for (const s of series) {
      const item = el('li', `legend-item legend-${s.key}`);
      item.append(el('span', `swatch bar-${s.key}`), document.createTextNode(s.name));
      legend.append(item);
    }
    figure.append(legend);
  }

  const values = series.flatMap((s) => s.values).filter((v) => typeof v === 'number' && Number.isFinite(v));
  const top = max || niceMax(Math.max(0, ...values));
  const margin = { top: 20, right: 8, bottom: 26, left: 44 };
  const height = 190;
  const groupMin = series.length * 8 + 4;
  const plotWidth = Math.max(width - margin.left - margin.right, categories.length * groupMin, 120);
  const totalWidth = plotWidth + margin.left + margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const group = plotWidth / Math.max(categories.length, 1);
  const gap = Math.min(8, group * 0.2);
  // bars no wider than 40 px, centred in their category
  const barWidth = Math.min(40, Math.max(2, (group - gap) / Math.max(series.length, 1)));
  const inset = (group - barWidth * series.length) / 2;
  const y = (value) => margin.top + plotHeight - (Math.min(value, top) / top) * plotHeight;

  const chart = svg('svg', {
    class: 'chart-svg',
    width: totalWidth,
    height,
    viewBox: `0 0 ${totalWidth} ${height}`,
    role: 'img',
    'aria-labelledby': titleId,
    'aria-describedby': descId,
  });
  chart.append(svg('desc', { id: descId }, summary || title));

  // the value axis: 0, half and the top, with grid lines
  const axis = svg('g', { class: 'axis', 'aria-hidden': 'true' });
  const middle = whole ? Math.floor(top / 2) : top / 2;
  for (const value of [...new Set([0, middle, top])]) {
    const fraction = value / top;
    const lineY = y(value);
    axis.append(svg('line', {
      class: fraction === 0 ? 'baseline' : 'grid',
      x1: margin.left, x2: margin.left + plotWidth, y1: lineY, y2: lineY,
    }));
    axis.append(svg('text', {
      class: 'tick-label', x: margin.left - 6, y: lineY + 4, 'text-anchor': 'end',
    }, format(value)));
  }
  chart.append(axis);

  // the category labels: as many as fit without overlapping
  const longest = Math.max(1, ...categories.map((c) => String(c).length));
  const every = Math.max(1, Math.ceil((longest * 7 + 6) / group));
  const labels = svg('g', { class: 'categories', 'aria-hidden': 'true' });
  categories.forEach((category, index) => {
    if (index % every !== 0 && index !== highlight) return;
    labels.append(svg('text', {
      class: `category-label${index === highlight ? ' highlight' : ''}`,
      x: margin.left + group * index + group / 2,
      y: height - 8,
      'text-anchor': 'middle',
      'data-category': category,
    }, category));
  });
  chart.append(labels);

  const bars = svg('g', { class: 'bars' });
  categories.forEach((category, index) => {
    series.forEach((s, which) => {
      const value = s.values[index];
      if (typeof value !== 'number' || !Number.isFinite(value)) return;
      const x = margin.left + group * index + inset + barWidth * which;
      const barY = y(value);
      const rect = svg('rect', {
        class: `bar bar-${s.key}${index === highlight ? ' highlight' : ''}`,
        x: x.toFixed(2),
        y: barY.toFixed(2),
        width: Math.max(1, barWidth - 1).toFixed(2),
        height: (margin.top + plotHeight - barY).toFixed(2),
        'data-category': category,
        'data-series': s.key,
        'data-value': value,
      });
      rect.append(svg('title', {}, `${category}: ${s.name} ${format(value)}`));
      bars.append(rect);
      // the figure above its bar, where there is room for it
      if (barWidth >= 16) {
        bars.append(svg('text', {
          class: `value-label value-${s.key}`,
          x: (x + barWidth / 2).toFixed(2),
          y: (barY - 4).toFixed(2),
          'text-anchor': 'middle',
          'aria-hidden': 'true',
          'data-category': category,
          'data-series': s.key,
        }, format(value)));
      }
    });
  });
  chart.append(bars);

  const box = el('div', 'chart-box');
  box.append(chart);
  figure.append(box);
  return figure;
}

/**
 * A table of the same figures as a chart: `caption`, the column headings, and rows of cells
 * (the first cell of each row is its heading).
 */
export function figureTable({ id, caption, columns, rows }) {
  const wrap = el('div', 'table-box');
  const table = el('table', 'figures');
  table.id = id;
  table.append(el('caption', null, caption));
  const head = el('thead');
  const headRow = el('tr');
  for (const column of columns) {
    const th = el('th', null, column);
    th.scope = 'col';
    headRow.append(th);
  }
  head.append(headRow);
  const body = el('tbody');
  for (const cells of rows) {
    const row = el('tr');
    cells.forEach((cell, index) => {
      const node = el(index === 0 ? 'th' : 'td', null, cell);
      if (index === 0) node.scope = 'row';
      row.append(node);
    });
    body.append(row);
  }
  table.append(head, body);
  wrap.append(table);
  return wrap;
}
