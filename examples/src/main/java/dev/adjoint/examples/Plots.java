package dev.adjoint.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Line charts as PNG files, drawn by XChart. */
final class Plots {
    private Plots() {
    }

    /** Saves one series as {@code file} (a .png path). */
    static void line(Path file, String title, String xLabel, String yLabel, List<Double> xs, List<Double> ys) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (xs.isEmpty()) {
            return;
        }
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(0);
        chart.addSeries(yLabel, xs, ys);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        String base = file.toString().endsWith(".png") ? file.toString().substring(0, file.toString().length() - 4) : file.toString();
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
