import Foundation
import ZIPFoundation

/// An Office Open XML workbook (.xlsx) written as its rows arrive: each sheet's XML goes to a
/// temporary file, then the package is zipped from those files, so a large export never sits in
/// memory. Cells keep their types: numbers, amounts with two decimals, dates and times (UTC)
/// with a date format; the header row is bold and frozen, and columns have widths.
public final class XLSXWorkbook {
    /// A column: its header and its width in characters.
    public struct Column: Sendable {
        public let name: String
        public let width: Double

        public init(_ name: String, width: Double = 14) {
            self.name = name
            self.width = width
        }
    }

    private let directory: URL
    private var sheets: [(name: String, file: URL)] = []
    private var writer: FileHandle?
    private var rowNumber = 0

    /// Columns for an export's `header`, wider for names, titles, addresses and times.
    public static func columns(_ header: [String]) -> [Column] {
        header.map { name in
            let width: Double = if ["title", "name", "email", "company", "message", "user_agent", "details"].contains(where: name.contains) { 30 }
                else if name.hasSuffix("_at") { 20 } else { max(10, Double(name.count) + 2) }
            return Column(name, width: width)
        }
    }

    /// A workbook built in a new folder under `temporary`.
    public init(temporary: URL = FileManager.default.temporaryDirectory) throws {
        directory = temporary.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? writer?.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts a sheet (ending the one before) with its header row.
    public func addSheet(_ name: String, columns: [Column]) throws {
        try endSheet()
        let file = directory.appendingPathComponent("sheet\(sheets.count + 1).xml")
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
        writer = try FileHandle(forWritingTo: file)
        sheets.append((String(Self.clean(name).prefix(31)), file))
        rowNumber = 1
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            + #"<selection pane="bottomLeft"/></sheetView></sheetViews><cols>"#
        for (index, column) in columns.enumerated() {
            xml += #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(column.width)" customWidth="1"/>"#
        }
        xml += "</cols><sheetData><row r=\"1\">"
        for (index, column) in columns.enumerated() {
            xml += #"<c r="\#(Self.column(index))1" t="inlineStr" s="1"><is><t>\#(Self.escaped(column.name))</t></is></c>"#
        }
        try write(xml + "</row>")
    }

    /// Appends rows to the current sheet.
    public func append(_ rows: [[ExportCell]]) throws {
        var xml = ""
        for row in rows {
            rowNumber += 1
            xml += "<row r=\"\(rowNumber)\">"
            for (index, cell) in row.enumerated() {
                let reference = "\(Self.column(index))\(rowNumber)"
                switch cell {
                case .empty: continue
                case .text(let text): xml += #"<c r="\#(reference)" t="inlineStr"><is><t xml:space="preserve">\#(Self.escaped(text))</t></is></c>"#
                case .integer(let number): xml += #"<c r="\#(reference)" s="5"><v>\#(number)</v></c>"#
                case .amount(let amount): xml += #"<c r="\#(reference)" s="4"><v>\#(Money.format(amount))</v></c>"#
                case .date(let day): xml += #"<c r="\#(reference)" s="2"><v>\#(Self.serial(day.startOfDay))</v></c>"#
                case .time(let date): xml += #"<c r="\#(reference)" s="3"><v>\#(Self.serial(date))</v></c>"#
                }
            }
            xml += "</row>"
        }
        try write(xml)
    }

    /// Zips the package into `file` (replaced if it exists).
    public func finish(to file: URL) throws {
        try endSheet()
        try? FileManager.default.removeItem(at: file)
        let archive = try Archive(url: file, accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        try add("[Content_Types].xml", header
            + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
            + sheets.indices.map { #"<Override PartName="/xl/worksheets/sheet\#($0 + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"# }.joined()
            + "</Types>")
        try add("_rels/.rels", header
            + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
            + "</Relationships>")
        try add("xl/workbook.xml", header
            + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
            + sheets.enumerated().map { #"<sheet name="\#(Self.escaped($1.name))" sheetId="\#($0 + 1)" r:id="rId\#($0 + 1)"/>"# }.joined()
            + "</sheets></workbook>")
        try add("xl/_rels/workbook.xml.rels", header
            + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + sheets.indices.map { #"<Relationship Id="rId\#($0 + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#($0 + 1).xml"/>"# }.joined()
            + #"<Relationship Id="rId\#(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
            + "</Relationships>")
        // Styles by index: 0 plain, 1 bold header, 2 date, 3 date and time, 4 amount (0.00), 5 whole number.
        try add("xl/styles.xml", header
            + #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + #"<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>"#
            + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
            + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
            + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
            + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
            + #"<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
            + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
            + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
            + #"<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
            + #"<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
            + #"<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#
            + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#)
        for (index, sheet) in sheets.enumerated() {
            try archive.addEntry(with: "xl/worksheets/sheet\(index + 1).xml", fileURL: sheet.file, compressionMethod: .deflate)
        }
    }

    private func endSheet() throws {
        guard let writer else { return }
        try writer.write(contentsOf: Data("</sheetData></worksheet>".utf8))
        try writer.close()
        self.writer = nil
    }

    private func write(_ xml: String) throws {
        try writer?.write(contentsOf: Data(xml.utf8))
    }

    /// A spreadsheet's date number: days since 1899-12-30, a fraction for the time of day.
    static func serial(_ date: Date) -> String {
        String(format: "%.6f", date.timeIntervalSince1970 / 86_400 + 25_569)
    }

    /// A, B, … Z, AA, AB…
    static func column(_ index: Int) -> String {
        var index = index
        var name = ""
        repeat {
            name = String(UnicodeScalar(UInt8(65 + index % 26))) + name
            index = index / 26 - 1
        } while index >= 0
        return name
    }

    /// Text as XML holds it: escaped, without the control characters XML 1.0 forbids.
    static func escaped(_ text: String) -> String {
        clean(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            .filter { !(0xFFFE...0xFFFF).contains($0.value) }))
    }
}
