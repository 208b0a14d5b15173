// Chart colours: distinguishable, and readable on the light background.
import type { CHANGE_KINDS } from "../../../../workers/client";

type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The stock and channel charts' bars: each at least 3:1 on the background, as the kinds below (quota was 2.4:1, reserved 2.9:1 until session 47). */
export const COLORS = {
  free: "#2f7d4f",
  reserved: "#bd7a12",
  quota: "#7d8a97",
  used: "#2b6cb0",
};

/** What the charts are drawn on (the panel). */
export const CHART_BACKGROUND = "#ffffff";

export type Marker = "circle" | "rect" | "triangle" | "rectRot" | "crossRot" | "star";

/** How one kind of movement is drawn: its colour, its line's dash pattern and its points' marker. */
export interface KindStyle {
  color: string;
  /** Chart.js `borderDash`: [] solid, [6, 3] dashed, [2, 3] dotted. */
  dash: number[];
  marker: Marker;
}

const SOLID: number[] = [];
const DASHED = [6, 3];
const DOTTED = [2, 3];

/**
 * One style per kind, the same in every chart whichever kinds it shows. Every kind has a colour
 * of its own with at least 3:1 contrast on the background (WCAG non-text contrast), and a
 * marker and dash pattern no other kind has, so kinds whose colours are alike (sold_out and
 * transfer_loss, release and expire) are still told apart, even without colour.
 */
export const KIND_STYLES: Record<ChangeKind, KindStyle> = {
  allocate: { color: "#2f7d4f", dash: SOLID, marker: "circle" },
  hold: { color: "#d97706", dash: SOLID, marker: "rect" },
  confirm: { color: "#1d4ed8", dash: SOLID, marker: "triangle" },
  release: { color: "#0e7490", dash: SOLID, marker: "rectRot" },
  expire: { color: "#64748b", dash: SOLID, marker: "crossRot" },
  adjust: { color: "#9333ea", dash: SOLID, marker: "star" },
  set: { color: "#be185d", dash: DASHED, marker: "circle" },
  sold_out: { color: "#b91c1c", dash: DASHED, marker: "rect" },
  return: { color: "#4d7c0f", dash: DASHED, marker: "triangle" },
  transfer_out: { color: "#92400e", dash: DASHED, marker: "rectRot" },
  transfer_expected: { color: "#0369a1", dash: DASHED, marker: "crossRot" },
  transfer_in: { color: "#16a34a", dash: DASHED, marker: "star" },
  transfer_done: { color: "#1e3a8a", dash: DOTTED, marker: "circle" },
  transfer_loss: { color: "#e11d48", dash: DOTTED, marker: "rect" },
  transfer_cancel: { color: "#a16207", dash: DOTTED, marker: "triangle" },
  transfer_unexpected: { color: "#a21caf", dash: DOTTED, marker: "rectRot" },
  low_stock_set: { color: "#1f2937", dash: DOTTED, marker: "crossRot" },
};

/** A kind this dashboard does not know yet (a newer API): the one style no known kind uses. */
export const OTHER_KIND: KindStyle = { color: "#57534e", dash: DOTTED, marker: "star" };

export const kindStyle = (kind: string): KindStyle => (Object.hasOwn(KIND_STYLES, kind) ? KIND_STYLES[kind as ChangeKind] : OTHER_KIND);
