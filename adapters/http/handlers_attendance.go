package http

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/childday"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/pricing"
)

// The monthly attendance statement (出勤统计) and the subsidy rates it
// claims at. Formats as the provider statement's (handlers_statements.go):
// JSON in fen, CSV and XLSX in yuan, headings in the caller's language.

type absencesJSON struct {
	Sick        int `json:"sick"`
	FamilyLeave int `json:"familyLeave"`
	Other       int `json:"other"`
	NoShow      int `json:"noShow"`
	Unreported  int `json:"unreported"`
}

type attendanceLineJSON struct {
	ChildID               string       `json:"childId,omitempty"`
	ChildName             string       `json:"childName,omitempty"`
	DaysBooked            int          `json:"daysBooked"`
	DaysAttended          int          `json:"daysAttended"`
	DaysUpcoming          int          `json:"daysUpcoming"`
	Absences              absencesJSON `json:"absences"`
	LatePickups           int          `json:"latePickups"`
	LateMinutes           int          `json:"lateMinutes"`
	RefusedPickups        int          `json:"refusedPickups"`
	InclusiveDaysAttended int          `json:"inclusiveDaysAttended"`
	ClaimFen              int64        `json:"claimFen"`
}

type rateJSON struct {
	RegionCode    string    `json:"regionCode"`
	DailyRateFen  int64     `json:"dailyRateFen"`
	Basis         string    `json:"basis"`
	EffectiveFrom string    `json:"effectiveFrom"`
	Document      string    `json:"document"`
	SetAt         time.Time `json:"setAt"`
}

func toRate(r attendance.Rate) rateJSON {
	return rateJSON{RegionCode: r.RegionCode, DailyRateFen: r.DailyFen, Basis: string(r.Basis), EffectiveFrom: r.From.String(),
		Document: r.Document, SetAt: r.SetAt.UTC()}
}

type attendanceDayJSON struct {
	Date          string `json:"date"`
	RoomID        string `json:"roomId"`
	RoomName      string `json:"roomName"`
	Attended      int    `json:"attended"`
	RatioBreaches int    `json:"ratioBreaches"`
	BreachMinutes int    `json:"breachMinutes"`
}

type attendanceStatementJSON struct {
	ProviderID   string               `json:"providerId"`
	ProviderName string               `json:"providerName"`
	RegionCode   string               `json:"regionCode"`
	Month        string               `json:"month"`
	Final        bool                 `json:"final"`
	Rate         *rateJSON            `json:"rate"`
	Lines        []attendanceLineJSON `json:"lines"`
	Total        attendanceLineJSON   `json:"total"`
	Days         []attendanceDayJSON  `json:"days"`
}

func toAttendanceLine(l attendance.Line, name string) attendanceLineJSON {
	return attendanceLineJSON{ChildID: l.ChildID, ChildName: name, DaysBooked: l.DaysBooked, DaysAttended: l.DaysAttended,
		DaysUpcoming: l.DaysUpcoming, LatePickups: l.LatePickups, LateMinutes: l.LateMinutes, RefusedPickups: l.RefusedPickups,
		InclusiveDaysAttended: l.InclusiveDaysAttended, ClaimFen: l.ClaimFen,
		Absences: absencesJSON{Sick: l.Absences[attendance.AbsentSick], FamilyLeave: l.Absences[attendance.AbsentFamilyLeave],
			Other: l.Absences[attendance.AbsentOther], NoShow: l.Absences[attendance.AbsentNoShow],
			Unreported: l.Absences[attendance.AbsentUnreported]}}
}

func toAttendanceStatement(v childday.StatementView) attendanceStatementJSON {
	out := attendanceStatementJSON{ProviderID: v.ProviderID, ProviderName: v.ProviderName, RegionCode: v.RegionCode,
		Month: v.Month.String(), Final: v.Final, Lines: []attendanceLineJSON{}, Total: toAttendanceLine(v.Total, ""),
		Days: []attendanceDayJSON{}}
	if v.Rate != nil {
		r := toRate(*v.Rate)
		out.Rate = &r
	}
	for _, l := range v.Lines {
		out.Lines = append(out.Lines, toAttendanceLine(l, v.Names[l.ChildID]))
	}
	for _, d := range v.Days {
		out.Days = append(out.Days, attendanceDayJSON{Date: d.Date.String(), RoomID: d.RoomID, RoomName: d.RoomName,
			Attended: d.Attended, RatioBreaches: d.RatioBreaches, BreachMinutes: d.BreachMinutes})
	}
	return out
}

// statement answers a month's attendance statement in the format asked
// for, the same figures in each.
func (h childDayHandlers) statement(c *fiber.Ctx) error {
	m, err := attendance.ParseMonth(c.Params("month"))
	if err != nil {
		return errInvalidParameter.WithFields(fault.FieldError{Field: "month", Code: "month_invalid"})
	}
	v, err := h.svc.Statement(c.UserContext(), mustActor(c), c.Params("providerId"), m)
	if err != nil {
		return err
	}
	st := toAttendanceStatement(v)
	words := attendanceWordsEn
	if lang(c.Get(fiber.HeaderAcceptLanguage)) != "en" {
		words = attendanceWordsZh
	}
	switch statementFormat(c) {
	case "csv":
		body, err := statementCSV(attendanceTable(st, words))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentLanguage, words.lang)
		attachment(c, words.file(st)+".csv")
		c.Set(fiber.HeaderContentType, mimeCSV+"; charset=utf-8")
		return c.Send(body)
	case "xlsx":
		body, err := statementXLSX(attendanceTable(st, words))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentLanguage, words.lang)
		attachment(c, words.file(st)+".xlsx")
		c.Set(fiber.HeaderContentType, mimeXLSX)
		return c.Send(body)
	}
	return c.JSON(st)
}

type attendanceWords struct {
	lang                            string
	summary, children, days         string
	summaryCols, childCols, dayCols []string
	items                           []string
	total, yes, no, none            string
	file                            func(attendanceStatementJSON) string
}

var attendanceWordsZh = attendanceWords{
	lang: "zh-CN", summary: "汇总", children: "幼儿出勤", days: "每日",
	summaryCols: []string{"项目", "内容"},
	childCols: []string{"幼儿编号", "姓名", "在托天数", "出勤天数", "待出勤天数", "病假", "事假", "其他缺勤", "未到且未请假",
		"未记录缺勤", "晚接次数", "晚接分钟", "拒绝交接次数", "普惠出勤天数", "可申领补贴（元）"},
	dayCols: []string{"日期", "班级", "出勤人数", "师幼比超标次数", "超标分钟"},
	items: []string{"机构", "机构编号", "行政区划", "月份", "已结束", "补贴标准（元/出勤日）", "标准所属区划", "起始月份",
		"文件依据", "可申领补贴合计（元）"},
	total: "合计", yes: "是", no: "否", none: "未设定",
	file: func(s attendanceStatementJSON) string {
		return "出勤统计-" + fileSafe(s.ProviderName, s.ProviderID) + "-" + s.Month
	},
}

var attendanceWordsEn = attendanceWords{
	lang: "en", summary: "Summary", children: "Children", days: "Days",
	summaryCols: []string{"Item", "Value"},
	childCols: []string{"Child", "Name", "Days booked", "Days attended", "Days to come", "Sick", "Family leave", "Other",
		"No show", "Unreported", "Late pickups", "Late minutes", "Refused pickups", "普惠 days attended", "Claimable (CNY)"},
	dayCols: []string{"Date", "Room", "Attended", "Ratio breaches", "Breach minutes"},
	items: []string{"Provider", "Provider id", "Region", "Month", "Month over", "Rate (CNY per attended day)", "Rate's region",
		"Rate from", "Document", "Claimable total (CNY)"},
	total: "Total", yes: "yes", no: "no", none: "not set",
	file: func(s attendanceStatementJSON) string {
		return "attendance-" + fileSafe(s.ProviderName, s.ProviderID) + "-" + s.Month
	},
}

// attendanceTable lays the statement out as the regulator reads it: what
// it is and its rate, one row per child and their total, the rooms' days.
func attendanceTable(s attendanceStatementJSON, w attendanceWords) []sheet {
	i := strconv.Itoa
	yesNo := w.no
	if s.Final {
		yesNo = w.yes
	}
	rate, region, from, doc := w.none, "", "", ""
	if r := s.Rate; r != nil {
		rate, region, from, doc = pricing.Yuan(r.DailyRateFen), r.RegionCode, r.EffectiveFrom, r.Document
	}
	values := []string{s.ProviderName, s.ProviderID, s.RegionCode, s.Month, yesNo, rate, region, from, doc,
		pricing.Yuan(s.Total.ClaimFen)}
	summary := sheet{title: w.summary, rows: [][]string{w.summaryCols}}
	for k, v := range values {
		summary.rows = append(summary.rows, []string{w.items[k], v})
	}
	row := func(l attendanceLineJSON) []string {
		return []string{l.ChildID, l.ChildName, i(l.DaysBooked), i(l.DaysAttended), i(l.DaysUpcoming), i(l.Absences.Sick),
			i(l.Absences.FamilyLeave), i(l.Absences.Other), i(l.Absences.NoShow), i(l.Absences.Unreported), i(l.LatePickups),
			i(l.LateMinutes), i(l.RefusedPickups), i(l.InclusiveDaysAttended), pricing.Yuan(l.ClaimFen)}
	}
	children := sheet{title: w.children, rows: [][]string{w.childCols}}
	for _, l := range s.Lines {
		children.rows = append(children.rows, row(l))
	}
	total := row(s.Total)
	total[0] = w.total
	children.rows = append(children.rows, total)
	days := sheet{title: w.days, rows: [][]string{w.dayCols}}
	for _, d := range s.Days {
		days.rows = append(days.rows, []string{d.Date, d.RoomName, i(d.Attended), i(d.RatioBreaches), i(d.BreachMinutes)})
	}
	return []sheet{summary, children, days}
}

type rateRequest struct {
	DailyRateFen  int64  `json:"dailyRateFen"`
	EffectiveFrom string `json:"effectiveFrom"`
	Document      string `json:"document"`
}

func (h childDayHandlers) setRate(c *fiber.Ctx) error {
	var req rateRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	m, err := attendance.ParseMonth(req.EffectiveFrom)
	if err != nil {
		return attendance.ErrMonthInvalid.WithFields(fault.FieldError{Field: "/effectiveFrom", Code: "month_invalid"})
	}
	r, err := h.svc.SetRate(c.UserContext(), mustActor(c), c.Params("regionCode"), childday.RateCommand{
		DailyFen: req.DailyRateFen, From: m, Document: req.Document})
	if err != nil {
		return err
	}
	return c.JSON(toRate(r))
}

func (h childDayHandlers) rates(c *fiber.Ctx) error {
	b, err := h.svc.Rates(c.UserContext(), mustActor(c), c.Params("regionCode"))
	if err != nil {
		return err
	}
	out := struct {
		RegionCode string     `json:"regionCode"`
		Items      []rateJSON `json:"items"`
	}{RegionCode: b.RegionCode(), Items: []rateJSON{}}
	for _, r := range b.Rates() {
		out.Items = append(out.Items, toRate(r))
	}
	return c.JSON(out)
}
