// The movement chart's styles (web/src/views/charts/palette.ts): with up to 17 kinds on one
// chart, no two may look alike (8 colours used to repeat: adjust and set shared a blue).
import { expect, test } from "vitest";
import { CHANGE_KINDS } from "../../workers/client";
import { CHART_BACKGROUND, COLORS, KIND_STYLES, kindStyle, OTHER_KIND } from "../../web/src/views/charts/palette";

const channel = (hex: string, at: number) => {
  const value = parseInt(hex.slice(at, at + 2), 16) / 255;
  return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
};
const luminance = (hex: string) => 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
/** WCAG contrast ratio of two #rrggbb colours. */
const contrast = (a: string, b: string) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

const styles = [...CHANGE_KINDS.map((kind) => ({ kind, ...kindStyle(kind) })), { kind: "a kind not known yet", ...OTHER_KIND }];

test("every kind of movement has a style of its own, and an unknown kind one no known kind uses", () => {
  expect(Object.keys(KIND_STYLES).sort()).toEqual([...CHANGE_KINDS].sort());
  expect(kindStyle("not_a_kind_yet")).toBe(OTHER_KIND);
});

test("no two kinds share a colour", () => {
  const colours = styles.map((style) => style.color.toLowerCase());
  expect(colours.every((colour) => /^#[0-9a-f]{6}$/.test(colour))).toBe(true);
  expect(new Set(colours).size).toBe(styles.length);
});

test("every colour has at least 3:1 contrast on the chart's background (WCAG 1.4.11)", () => {
  const low = styles.filter((style) => contrast(style.color, CHART_BACKGROUND) < 3).map((style) => `${style.kind} ${style.color}`);
  expect(low).toEqual([]);
});

test("the stock and channel charts' bars have at least 3:1 contrast on the background too", () => {
  const low = Object.entries(COLORS)
    .filter(([, color]) => contrast(color, CHART_BACKGROUND) < 3)
    .map(([name, color]) => `${name} ${color}`);
  expect(low).toEqual([]);
});

test("no two kinds share a marker and a dash pattern, so each is told apart even without colour", () => {
  const shapes = styles.map((style) => `${style.marker} ${style.dash.join(",")}`);
  expect(new Set(shapes).size).toBe(styles.length);
});
