/**
 * What a report is made of: a title and sections, each one of four kinds. Every producer
 * (`hotpath report` for traces, `hotpath profile --html`, the bench gate's history) builds
 * these plain objects and calls renderReport (see index.ts).
 */

/** One span of a timeline lane. Times in ms from any origin shared by the whole section. */
export interface TimelineSpan {
  readonly start: number;
  /** ms; 0 for an instant (drawn as a one-pixel mark). */
  readonly duration: number;
  /** Row within the lane: 0 on top; a flame chart gives the stack depth. Default 0. */
  readonly depth?: number;
  /** Label, and the colour (hashed), e.g. a kernel or function name. */
  readonly name: string;
  /**
   * Family: 'copy', 'fallback' and 'dropped' are drawn in fixed warning colours; 'share' (a
   * worker's part of a call) in a lighter shade of its name's colour; anything else as is.
   */
  readonly kind?: string;
  /** Extra tooltip text (backend, shapes, file:line, ...); keep it short, it is stored per span. */
  readonly detail?: string;
}

export interface TimelineLane {
  /** e.g. 'main thread', 'wasm worker 1'. */
  readonly name: string;
  readonly spans: readonly TimelineSpan[];
}

/** A zoomable timeline (canvas; wheel zooms, drag pans, hover shows the span). */
export interface TimelineSection {
  readonly kind: 'timeline';
  readonly title: string;
  readonly lanes: readonly TimelineLane[];
  readonly note?: string;
}

/** Distributions of values (latencies) per group: a CDF on a log axis and a percentile table. */
export interface DistributionSection {
  readonly kind: 'distribution';
  readonly title: string;
  /** Unit of the values, for the axis and the table, e.g. 'ms'. */
  readonly unit: string;
  readonly groups: readonly { readonly name: string; readonly values: readonly number[] }[];
  readonly note?: string;
}

/** Lines of (x, y) points: throughput over time, a history of saved runs. */
export interface SeriesSection {
  readonly kind: 'series';
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** x values are epoch ms: the axis shows dates and times. Default false (plain numbers). */
  readonly xTime?: boolean;
  readonly series: readonly { readonly name: string; readonly points: readonly (readonly [number, number])[] }[];
  readonly note?: string;
}

/** A plain table (summaries, verdicts). */
export interface TableSection {
  readonly kind: 'table';
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly note?: string;
}

export type ReportSection = TimelineSection | DistributionSection | SeriesSection | TableSection;

export interface ReportSpec {
  readonly title: string;
  /** One line under the title (source file, machine, date). */
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
}
