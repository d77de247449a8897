/** Sequential scale for the weighted count, lightest to darkest; index = heatBucket(weight) (lib/dashboard/heatmap.ts). */
// The two darkest carry white numbers at 4.5:1 or better; heatmap.css gives the cells the same colours by class.
export const HEAT_COLORS = ["#ffffff", "#fde7df", "#fbc3b0", "#f49378", "#c8452b", "#a61d12"] as const;
