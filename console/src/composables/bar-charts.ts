/**
 * The console's bar charts (ECharts): only bars, their grid, legend and tooltip, on a canvas.
 * Tooltips are drawn on the canvas too (richText), not as HTML with style attributes, which the
 * console's CSP refuses.
 */
import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { use, init, type ECharts } from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/**
 * A chart in each of `els`, made when the component is mounted and drawn by `draw` then and
 * whenever `source` changes; resized with the window, disposed when the component goes.
 */
export function useBarCharts(els: Array<Ref<HTMLDivElement | undefined>>, source: () => unknown, draw: (charts: ECharts[]) => void) {
  let charts: ECharts[] = [];
  const resize = () => { for (const c of charts) c.resize(); };
  onMounted(() => {
    charts = els.map((el) => init(el.value!));
    draw(charts);
    window.addEventListener('resize', resize);
  });
  watch(source, () => { if (charts.length) draw(charts); });
  onBeforeUnmount(() => {
    window.removeEventListener('resize', resize);
    for (const c of charts) c.dispose();
  });
}
