/**
 * Charts of an {@link dev.iops.IopsReport}, drawn with XChart: operations and bytes per power-of-two size bucket,
 * and operations over time by size, as PNG or SVG. Start at {@link dev.iops.charts.IopsCharts}.
 */
package dev.iops.charts;
