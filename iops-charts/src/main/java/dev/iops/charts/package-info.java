/**
 * Charts of an {@link dev.iops.IopsReport}, drawn with XChart: operations and bytes per power-of-two size bucket,
 * reads and writes over time by size, IOPS and throughput over time, as PNG or SVG. Start at {@link dev.iops.charts.IopsCharts}.
 */
package dev.iops.charts;
