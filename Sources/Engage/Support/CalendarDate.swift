import Foundation

/// A day on the calendar without a time or zone (`due_date`), written `YYYY-MM-DD`.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD`; nil unless the day exists (no 2025-02-30).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              year >= 1000, (1...12).contains(month), (1...Self.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A day a calendar computed (so it exists).
    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC day of `date` (how `DATE` columns come back from the driver).
    public init(_ date: Date) {
        let parts = Calendar.utc.dateComponents([.year, .month, .day], from: date)
        year = parts.year!
        month = parts.month!
        day = parts.day!
    }

    /// Midnight UTC at the start of this day.
    public var startOfDay: Date {
        Calendar.utc.date(from: DateComponents(year: year, month: month, day: day))!
    }

    // Written digit by digit: `String(format:)` was a visible cost of every documents list.
    public var description: String {
        guard (0...9999).contains(year) else { return String(format: "%04d-%02d-%02d", year, month, day) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        ISOTimestamp.digits(year, 4, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        ISOTimestamp.digits(month, 2, into: &bytes)
        bytes.append(UInt8(ascii: "-"))
        ISOTimestamp.digits(day, 2, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The first day of this day's month.
    var monthStart: CalendarDate { CalendarDate(year: year, month: month, day: 1) }

    /// The last day of this day's month.
    var monthEnd: CalendarDate { CalendarDate(year: year, month: month, day: Self.days(inMonth: month, year: year)) }

    /// The first day of the next month.
    var nextMonthStart: CalendarDate { month == 12 ? CalendarDate(year: year + 1, month: 1, day: 1) : CalendarDate(year: year, month: month + 1, day: 1) }

    /// The day before.
    var previous: CalendarDate {
        if day > 1 { return CalendarDate(year: year, month: month, day: day - 1) }
        let previousMonth = month == 1 ? CalendarDate(year: year - 1, month: 12, day: 1) : CalendarDate(year: year, month: month - 1, day: 1)
        return previousMonth.monthEnd
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC, for dates stored in UTC.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
