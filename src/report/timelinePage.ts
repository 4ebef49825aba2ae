/**
 * The report page's timeline viewer, run in the browser: renderReport embeds this function's
 * source (Function.prototype.toString) with lod.ts's functions beside it, so it must stay
 * self-contained: no imports, no module variables; lod.ts's functions come in as an argument. The project compiles without the DOM library, so the browser
 * objects are typed `Dom` (any) here; the browser test (test/unit/reportBrowser.test.ts) is
 * what checks this code.
 *
 * Per timeline: a canvas (lane names on the left, a time axis on top, one row of ROW_H px per
 * lane depth), redrawn on requestAnimationFrame after a wheel zoom (about the cursor), a drag
 * pan or a double-click reset; hover shows the span under the cursor, or how many spans were
 * merged into that pixel column. `window.hotpathReport.timelines[i]` exposes view(), setView,
 * zoom, pan and draw() (returns its ms) for tests and the browser bench.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dom = any;

/** Columnar spans of one row, as renderReport writes them (times in ms). */
/** lod.ts's functions, handed over by the page (they are defined beside this one there). */
type Lod = Pick<typeof import('./lod.js'), 'prefixMaxEnd' | 'aggregateRow' | 'lodFrame' | 'firstVisible'>;

interface PageRow {
  start: number[];
  duration: number[];
  /** Index into the timeline's names, kinds and details (-1: no detail). */
  name: number[];
  kind: number[];
  detail: number[];
  maxEnd: Float64Array;
}

export function timelinePage(win: Dom, lod: Lod): void {
  const { prefixMaxEnd, aggregateRow, lodFrame, firstVisible } = lod;
  const doc = win.document;
  const ROW_H = 16;
  const LANE_GAP = 8;
  const AXIS_H = 22;
  const LABEL_W = 150;
  const FIXED: Record<string, string> = { copy: '#d62728', fallback: '#ff7f0e', dropped: '#7f7f7f' };
  const api: Dom = { timelines: [], firstRenderMs: -1 };
  win.hotpathReport = api;

  function fmt(ms: number): string {
    const a = Math.abs(ms);
    if (a === 0) {
      return '0';
    }
    if (a < 1e-3) {
      return Number((ms * 1e6).toPrecision(3)) + ' ns';
    }
    if (a < 1) {
      return Number((ms * 1e3).toPrecision(3)) + ' µs';
    }
    if (a < 1000) {
      return Number(ms.toPrecision(4)) + ' ms';
    }
    return Number((ms / 1000).toPrecision(4)) + ' s';
  }

  function hue(s: string): number {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) {
      h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    }
    return (h >>> 0) % 360;
  }

  function setup(root: Dom, data: Dom): Dom {
    const canvas = root.querySelector('canvas');
    const tip = root.querySelector('.tip');
    const ctx = canvas.getContext('2d');
    const colours = new Map<number, string>();
    const rows: { row: PageRow; y: number; lane: string; depth: number }[] = [];
    let y = AXIS_H;
    for (const lane of data.lanes) {
      lane.rows.forEach((r: PageRow, depth: number) => {
        r.maxEnd = prefixMaxEnd(r.start, r.duration);
        rows.push({ row: r, y: y + depth * ROW_H, lane: depth === 0 ? lane.name : '', depth });
      });
      y += Math.max(1, lane.rows.length) * ROW_H + LANE_GAP;
    }
    const height = y;
    const full = [data.t0, data.t1 > data.t0 ? data.t1 : data.t0 + 1];
    let t0 = full[0];
    let t1 = full[1];
    let width = 0;
    let frame: Dom = null;
    let pending = false;
    const self: Dom = { frames: 0 };

    function colour(name: number, kind: number): string {
      const key = name * 4096 + kind;
      let c = colours.get(key);
      if (c === undefined) {
        const k = data.kinds[kind] || '';
        const h = hue(data.names[name]);
        c = FIXED[k] || (k === 'share' ? 'hsl(' + h + ',45%,72%)' : 'hsl(' + h + ',60%,52%)');
        colours.set(key, c);
      }
      return c;
    }

    function resize(): void {
      const dpr = win.devicePixelRatio || 1;
      width = Math.max(LABEL_W + 50, root.clientWidth);
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = width + 'px';
      canvas.style.height = height + 'px';
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      frame = lodFrame(width - LABEL_W);
    }

    function axis(plotW: number): void {
      const span = t1 - t0;
      const raw = span / Math.max(1, plotW / 110);
      const mag = Math.pow(10, Math.floor(Math.log10(raw)));
      const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
      ctx.fillStyle = '#555';
      ctx.strokeStyle = '#e4e4e4';
      ctx.font = '11px sans-serif';
      ctx.textBaseline = 'middle';
      for (let v = Math.ceil(t0 / step) * step; v <= t1; v += step) {
        const x = LABEL_W + ((v - t0) / span) * plotW;
        ctx.fillRect(x, AXIS_H - 5, 1, 5);
        ctx.fillText(fmt(v - full[0]), x + 3, AXIS_H / 2);
        ctx.beginPath();
        ctx.moveTo(x + 0.5, AXIS_H);
        ctx.lineTo(x + 0.5, height);
        ctx.stroke();
      }
    }

    function drawRow(r: PageRow, top: number, plotW: number): void {
      aggregateRow(r, t0, t1, plotW, 1, frame);
      const pxPerMs = plotW / (t1 - t0);
      for (const i of frame.wide) {
        const x0 = Math.max(0, (r.start[i]! - t0) * pxPerMs);
        const x1 = Math.min(plotW, (r.start[i]! + r.duration[i]! - t0) * pxPerMs);
        ctx.fillStyle = colour(r.name[i]!, r.kind[i]!);
        ctx.fillRect(LABEL_W + x0, top, Math.max(1, x1 - x0 - 0.5), ROW_H - 1);
        if (x1 - x0 > 36) {
          const label = data.names[r.name[i]!];
          const fits = Math.floor((x1 - x0 - 6) / 6.5);
          ctx.fillStyle = '#111';
          ctx.fillText(label.length > fits ? label.slice(0, Math.max(1, fits - 1)) + '…' : label, LABEL_W + x0 + 3, top + ROW_H / 2);
        }
      }
      // Merged columns: consecutive ones of the same colour and shade are one rectangle.
      let runStart = -1;
      let runStyle = '';
      let runAlpha = 0;
      for (let c = 0; c <= plotW; c++) {
        let style = '';
        let alpha = 0;
        if (c < plotW && frame.count[c] > 0) {
          const pick = frame.pick[c];
          style = colour(r.name[pick]!, r.kind[pick]!);
          alpha = Math.round((0.35 + 0.65 * Math.min(1, frame.coverage[c])) * 4) / 4;
        }
        if (style !== runStyle || alpha !== runAlpha) {
          if (runStyle !== '') {
            ctx.globalAlpha = runAlpha;
            ctx.fillStyle = runStyle;
            ctx.fillRect(LABEL_W + runStart, top, c - runStart, ROW_H - 1);
          }
          runStart = c;
          runStyle = style;
          runAlpha = alpha;
        }
      }
      ctx.globalAlpha = 1;
    }

    function draw(): number {
      const began = win.performance.now();
      pending = false;
      const plotW = width - LABEL_W;
      ctx.clearRect(0, 0, width, height);
      ctx.font = '11px sans-serif';
      ctx.textBaseline = 'middle';
      axis(plotW);
      for (const { row, y: top, lane } of rows) {
        drawRow(row, top, plotW);
        if (lane !== '') {
          ctx.fillStyle = '#fff';
          ctx.fillRect(0, top, LABEL_W - 4, ROW_H);
          ctx.fillStyle = '#222';
          ctx.fillText(lane.length > 22 ? lane.slice(0, 21) + '…' : lane, 4, top + ROW_H / 2);
        }
      }
      self.frames++;
      return win.performance.now() - began;
    }

    function schedule(): void {
      if (!pending) {
        pending = true;
        win.requestAnimationFrame(draw);
      }
    }

    /** Sets the visible window (ms), kept inside the data's range and at least 1 ns wide. */
    function setView(a: number, b: number): void {
      const range = full[1] - full[0];
      let w = Math.min(range, Math.max(1e-6, b - a));
      let lo = Math.min(Math.max(a, full[0]), full[1] - w);
      t0 = lo;
      t1 = lo + w;
      schedule();
    }

    function zoom(factor: number, px: number): void {
      const at = t0 + ((px - LABEL_W) / (width - LABEL_W)) * (t1 - t0);
      setView(at - (at - t0) * factor, at + (t1 - at) * factor);
    }

    function pan(dxPx: number): void {
      const dt = (dxPx / (width - LABEL_W)) * (t1 - t0);
      setView(t0 - dt, t1 - dt);
    }

    function hover(px: number, py: number): string {
      const hit = rows.find((r) => py >= r.y && py < r.y + ROW_H);
      if (hit === undefined || px < LABEL_W) {
        return '';
      }
      const r = hit.row;
      const msPerPx = (t1 - t0) / (width - LABEL_W);
      const t = t0 + (px - LABEL_W) * msPerPx;
      let count = 0;
      let best = -1;
      for (let i = firstVisible(r.maxEnd, t - msPerPx / 2); i < r.start.length && r.start[i]! <= t + msPerPx / 2 && count < 100000; i++) {
        if (r.start[i]! + r.duration[i]! >= t - msPerPx / 2) {
          count++;
          if (best < 0 || r.duration[i]! > r.duration[best]!) {
            best = i;
          }
        }
      }
      if (best < 0) {
        return '';
      }
      const text = data.names[r.name[best]!] + ' · ' + fmt(r.duration[best]!) + ' · at ' + fmt(r.start[best]! - full[0]) + (data.kinds[r.kind[best]!] ? ' · ' + data.kinds[r.kind[best]!] : '') + (r.detail[best]! >= 0 ? '\n' + data.details[r.detail[best]!] : '');
      return count > 1 ? count + ' spans merged in this pixel; longest:\n' + text : text;
    }

    let drag: number | null = null;
    canvas.addEventListener('wheel', (e: Dom) => {
      e.preventDefault();
      zoom(Math.exp(e.deltaY * 0.002), e.offsetX);
    }, { passive: false });
    canvas.addEventListener('mousedown', (e: Dom) => {
      drag = e.clientX;
    });
    win.addEventListener('mouseup', () => {
      drag = null;
    });
    canvas.addEventListener('mousemove', (e: Dom) => {
      if (drag !== null) {
        pan(e.clientX - drag);
        drag = e.clientX;
        tip.style.display = 'none';
        return;
      }
      const text = hover(e.offsetX, e.offsetY);
      tip.style.display = text === '' ? 'none' : 'block';
      tip.textContent = text;
      tip.style.left = Math.min(e.offsetX + 12, width - 260) + 'px';
      tip.style.top = e.offsetY + 14 + 'px';
    });
    canvas.addEventListener('mouseleave', () => {
      tip.style.display = 'none';
    });
    canvas.addEventListener('dblclick', () => setView(full[0], full[1]));
    win.addEventListener('resize', () => {
      resize();
      schedule();
    });
    resize();
    draw();
    self.view = () => [t0, t1];
    self.full = () => [full[0], full[1]];
    self.setView = setView;
    self.zoom = zoom;
    self.pan = pan;
    self.draw = draw;
    self.canvas = canvas;
    return self;
  }

  for (const script of doc.querySelectorAll('script[data-timeline]')) {
    const root = doc.getElementById(script.getAttribute('data-timeline'));
    api.timelines.push(setup(root, JSON.parse(script.textContent)));
  }
  api.firstRenderMs = win.performance.now();
}
