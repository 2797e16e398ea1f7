import Foundation

/// Charts drawn on the server as SVG: no script, no chart library in the browser. Each carries
/// its title and a description for screen readers; pages put the numbers in a table beside it.
/// Colours come from the stylesheet through classes (`chart-bar`, `chart-line-0`…).
public enum SVGChart {
    /// Horizontal bars, one per item, longest for the largest value, the value written at its end.
    public static func bars(id: String, title: String, items: [(label: String, value: Int64)]) -> SafeHTML {
        let width = 640.0, labelWidth = 130.0, row = 28.0
        let height = row * Double(max(items.count, 1)) + 8
        let largest = Double(max(items.map(\.value).max() ?? 0, 1))
        var svg = open(id: id, title: title, width: width, height: height,
                       description: items.map { "\($0.label): \($0.value)" }.joined(separator: ", "))
        for (index, item) in items.enumerated() {
            let y = 4 + Double(index) * row
            let length = (width - labelWidth - 70) * Double(item.value) / largest
            svg += #"<text class="chart-label" x="\#(labelWidth - 8)" y="\#(y + 18)" text-anchor="end">\#(escaped(item.label))</text>"#
            svg += #"<rect class="chart-bar" x="\#(labelWidth)" y="\#(y + 4)" width="\#(format(max(length, item.value > 0 ? 2 : 0)))" height="\#(row - 10)" rx="3"/>"#
            svg += #"<text class="chart-value" x="\#(format(labelWidth + length + 6))" y="\#(y + 18)">\#(item.value)</text>"#
        }
        return SafeHTML(trusted: svg + "</svg>")
    }

    /// Lines over time: one per series, the labels of the first, middle and last points under
    /// the axis, and the largest value beside it.
    public static func lines(id: String, title: String, labels: [String], series: [(name: String, values: [Int64])]) -> SafeHTML {
        let width = 640.0, height = 220.0, left = 44.0, bottom = 28.0, top = 12.0, right = 12.0
        let largest = Double(max(series.flatMap(\.values).max() ?? 0, 1))
        let step = labels.count > 1 ? (width - left - right) / Double(labels.count - 1) : 0
        let plot = height - top - bottom
        let totals = series.map { "\($0.name): \($0.values.reduce(0, +)) in all" }.joined(separator: ", ")
        var svg = open(id: id, title: title, width: width, height: height,
                       description: "From \(labels.first ?? "") to \(labels.last ?? ""). \(totals).")
        svg += #"<line class="chart-axis" x1="\#(left)" y1="\#(height - bottom)" x2="\#(width - right)" y2="\#(height - bottom)"/>"#
        svg += #"<text class="chart-label" x="\#(left - 6)" y="\#(top + 10)" text-anchor="end">\#(Int64(largest))</text>"#
        svg += #"<text class="chart-label" x="\#(left - 6)" y="\#(height - bottom)" text-anchor="end">0</text>"#
        for index in Set([0, labels.count / 2, labels.count - 1]).sorted() where labels.indices.contains(index) {
            let anchor = index == 0 ? "start" : index == labels.count - 1 ? "end" : "middle"
            svg += #"<text class="chart-label" x="\#(format(left + step * Double(index)))" y="\#(height - 8)" text-anchor="\#(anchor)">\#(escaped(labels[index]))</text>"#
        }
        for (number, line) in series.enumerated() {
            let points = line.values.enumerated().map { index, value in
                "\(format(left + step * Double(index))),\(format(top + plot - plot * Double(value) / largest))"
            }
            svg += #"<polyline class="chart-line-\#(number % 4)" fill="none" points="\#(points.joined(separator: " "))"/>"#
        }
        // The legend, in the lines' colours.
        for (number, line) in series.enumerated() {
            let x = left + 8 + Double(number) * 120
            svg += #"<rect class="chart-key-\#(number % 4)" x="\#(x)" y="\#(top - 2)" width="10" height="10"/>"#
            svg += #"<text class="chart-label" x="\#(x + 14)" y="\#(top + 7)">\#(escaped(line.name))</text>"#
        }
        return SafeHTML(trusted: svg + "</svg>")
    }

    private static func open(id: String, title: String, width: Double, height: Double, description: String) -> String {
        #"<svg class="chart" viewBox="0 0 \#(format(width)) \#(format(height))" role="img" aria-labelledby="\#(id)-title \#(id)-desc" xmlns="http://www.w3.org/2000/svg">"#
            + #"<title id="\#(id)-title">\#(escaped(title))</title><desc id="\#(id)-desc">\#(escaped(description))</desc>"#
    }

    private static func format(_ number: Double) -> String {
        String(format: "%.1f", number)
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
