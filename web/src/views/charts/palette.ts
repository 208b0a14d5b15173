// Chart colours: distinguishable, and readable on the light background.
export const COLORS = {
  free: "#2f7d4f",
  reserved: "#d08a1a",
  quota: "#9aa7b4",
  used: "#2b6cb0",
  kinds: ["#2b6cb0", "#2f7d4f", "#d08a1a", "#b83280", "#6b46c1", "#c53030", "#319795", "#718096"],
};
