import Foundation

/// Calendar days as people in one time zone live them (`ENGAGE_TIME_ZONE`): where an instant
/// falls, and when a day begins (a DST day is 23 or 25 hours long).
public struct LocalDays: Sendable {
    public let zone: TimeZone
    private let calendar: Calendar

    public init(zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = 2  // ISO weeks start on Monday
        calendar.minimumDaysInFirstWeek = 4
        self.calendar = calendar
    }

    /// Paris, the product's home, unless configured otherwise.
    public static let standard = LocalDays(zone: TimeZone(identifier: "Europe/Paris")!)

    /// The day `date` falls on here.
    public func day(of date: Date) -> CalendarDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// The instant `day` begins here.
    public func start(of day: CalendarDate) -> Date {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
    }

    /// The day after `day`.
    public func next(_ day: CalendarDate) -> CalendarDate {
        self.day(of: calendar.date(byAdding: .day, value: 1, to: start(of: day))!)
    }

    /// The Monday of `day`'s ISO week.
    public func weekStart(of day: CalendarDate) -> CalendarDate {
        let start = start(of: day)
        let weekday = calendar.component(.weekday, from: start)  // 1 = Sunday
        return self.day(of: calendar.date(byAdding: .day, value: -((weekday + 5) % 7), to: start)!)
    }
}
