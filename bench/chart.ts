// An SVG bar chart of one run's medians (wall time per client, per workload), generated from the
// results JSON so that no figure in bench/README.md is typed by hand.

export interface ChartGroup {
  title: string;
  unit: string;
  bars: { label: string; value: number }[];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function barChartSvg(groups: ChartGroup[]): string {
  const barHeight = 16;
  const gap = 4;
  const labelWidth = 170;
  const plotWidth = 420;
  const parts: string[] = [];
  let y = 10;
  for (const group of groups) {
    parts.push(`<text x="0" y="${y + 12}" font-weight="bold">${escape(group.title)} (${escape(group.unit)})</text>`);
    y += 22;
    const max = Math.max(...group.bars.map((b) => b.value), 1e-9);
    for (const bar of group.bars) {
      const width = Math.max(1, (bar.value / max) * plotWidth);
      const colour = bar.label.startsWith('pgloom') ? '#2b6cb0' : bar.label === 'psql floor' ? '#718096' : '#dd6b20';
      parts.push(`<text x="0" y="${y + 12}">${escape(bar.label)}</text>`);
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight}" fill="${colour}"/>`);
      parts.push(`<text x="${(labelWidth + width + 4).toFixed(1)}" y="${y + 12}">${bar.value >= 100 ? bar.value.toFixed(0) : bar.value.toFixed(1)}</text>`);
      y += barHeight + gap;
    }
    y += 12;
  }
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 80}" height="${height}" font-family="sans-serif" font-size="12">\n${parts.join('\n')}\n</svg>\n`;
}
