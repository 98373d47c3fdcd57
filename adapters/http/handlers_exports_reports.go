package http

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/oversight"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/region"
	"github.com/kincare/kincare/domain/visit"
)

// The regulator's other files: the 12-month trend of a region's
// indicators, the officials' log and a month's visits to vulnerable
// elders, through the same streamed writers as the lists.

var trendColumns = exportWords{
	zh: []string{"地区代码", "指标代码", "分组", "指标", "单位"},
	en: []string{"Region", "Key", "Group", "Indicator", "Unit"},
}

// indicatorTrend exports the 12 months ending with the query's month: a
// row per indicator that has a value in any of them, a column per month.
// A month without a value is an empty cell, never 0.
func (h exportHandlers) indicatorTrend(c *fiber.Ctx) error {
	format, err := parseFormat(c)
	if err != nil {
		return err
	}
	r, err := h.indicators.Trend(c.UserContext(), mustActor(c), indicatorQuery(c))
	if err != nil {
		return err
	}
	last := r.Months[len(r.Months)-1].String()
	h.indicators.Exported(c.UserContext(), mustActor(c), "trend", string(r.Region), last)
	l := exportLang(c)
	region := string(r.Region)
	file, sheet := "监管指标趋势-"+region+"-"+last, "指标趋势"
	if l == "en" {
		file, sheet = "indicator-trend-"+region+"-"+last, "Trend"
	}
	columns := trendColumns.in(l)
	for _, m := range r.Months {
		columns = append(columns, m.String())
	}
	return stream(c, h.log, format, file, sheet, columns, func(_ context.Context, t tableWriter) error {
		for _, d := range indicator.Definitions {
			row := []any{region, d.Key, d.Group, d.Words().Label(l), unitWords[d.Unit].Label(l)}
			some := false
			for _, tb := range r.Tables {
				v, ok := tb.Get(d.Key)
				if !ok {
					row = append(row, nil)
					continue
				}
				row, some = append(row, v.Value), true
			}
			if !some {
				continue
			}
			if err := t.Row(row...); err != nil {
				return err
			}
		}
		return nil
	})
}

var officialColumns = exportWords{
	zh: []string{"时间", "操作人", "操作人辖区", "操作", "对象类型", "对象编号", "地区代码", "内容", "请求编号"},
	en: []string{"At", "By", "Their regions", "Action", "Subject kind", "Subject", "Region", "Detail", "Request"},
}

var officialVerbWords = map[audit.OfficialVerb]indicator.Words{
	audit.SetCredit: {ZH: "调整机构信用", EN: "Credit standing"}, audit.DecideComplaint: {ZH: "投诉结论", EN: "Complaint finding"},
	audit.GrantAllowance: {ZH: "发放补贴", EN: "Allowance granted"}, audit.EndAllowance: {ZH: "终止补贴", EN: "Allowance ended"},
	audit.AdjustAllowance: {ZH: "调整补贴", EN: "Allowance adjusted"}, audit.RecordAssessment: {ZH: "能力评估", EN: "Assessment"},
	audit.SetSubsidyRate: {ZH: "设定补贴标准", EN: "Subsidy rate"}, audit.SetMealSubsidy: {ZH: "设定助餐补贴规则", EN: "Meal subsidy rules"},
	audit.SetResidents: {ZH: "录入老年人口", EN: "Residents entered"}, audit.ReadComplaint: {ZH: "查阅投诉", EN: "Complaint read"},
	audit.Export: {ZH: "导出数据", EN: "Export"},
}

// officialActions exports the officials' log the caller may read
// (listOfficialActions), newest first, with its filters and a region and
// month to narrow it.
func (h exportHandlers) officialActions(c *fiber.Ctx) error {
	format, err := parseFormat(c)
	if err != nil {
		return err
	}
	a := mustActor(c)
	q := oversight.Query{ActorID: c.Query("actorId"), Region: c.Query("region"), Limit: 100}
	if m := c.Query("month"); m != "" {
		if q.Month, err = h.indicators.PastMonth(m); err != nil {
			return err
		}
	}
	first, err := h.oversight.List(c.UserContext(), a, q) // rights and filters answer here, before any byte
	if err != nil {
		return err
	}
	h.indicators.Exported(c.UserContext(), a, "audit-log", q.Region, string(c.Request().URI().QueryString()))
	l := exportLang(c)
	file, sheet := "监管留痕", "监管留痕"
	if l == "en" {
		file, sheet = "audit-log", "Audit log"
	}
	for _, s := range []string{q.Region, monthText(q.Month), q.ActorID} {
		if s != "" {
			file += "-" + s
		}
	}
	return stream(c, h.log, format, file, sheet, officialColumns.in(l), func(ctx context.Context, t tableWriter) error {
		return eachPage(ctx, first, func(ctx context.Context, cursor string) (oversight.Page, error) {
			q.Cursor = cursor
			return h.oversight.List(ctx, a, q)
		}, func(pg oversight.Page) (string, error) {
			for _, e := range pg.Actions {
				verb := string(e.Action)
				if w, ok := officialVerbWords[e.Action]; ok {
					verb = w.Label(l)
				}
				if err := t.Row(shanghai(e.At), e.ActorID, strings.Join(e.ActorRegions, " "), verb, e.SubjectKind,
					e.SubjectID, e.RegionCode, e.Detail, e.RequestID); err != nil {
					return "", err
				}
			}
			return pg.NextCursor, nil
		})
	})
}

func monthText(m indicator.Month) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

var visitColumns = exportWords{
	zh: []string{"月份", "老人编号", "服务站编号", "探访人编号", "探访状态", "探访记录编号", "探访时间"},
	en: []string{"Month", "Elder", "Station", "Visitor", "State", "Visit", "Visited at"},
}

var visitStateWords = map[string]indicator.Words{
	"visited": {ZH: "已探访", EN: "visited"}, "overdue": {ZH: "逾期未探访", EN: "overdue"},
	"pending": {ZH: "待探访", EN: "pending"},
}

// visitReport exports a month's visits to the vulnerable elders of the
// caller's regions (getRegionVisitReport): a row per elder due, in elder
// id order, with the visit that counted. Elders are named by id only.
func (h exportHandlers) visitReport(c *fiber.Ctx) error {
	format, err := parseFormat(c)
	if err != nil {
		return err
	}
	a := mustActor(c)
	month, err := h.visits.PastMonth(c.Query("month")) // by the visits' clock, as their report counts
	if err != nil {
		return err
	}
	var filter string
	if s := c.Query("region"); s != "" {
		code, err := region.ParseCode(s)
		if err != nil {
			return err
		}
		filter = code.Prefix()
	}
	r, err := h.visits.RegionReport(c.UserContext(), a, filter, month.String())
	if err != nil {
		return err
	}
	h.indicators.Exported(c.UserContext(), a, "visits", c.Query("region"), string(c.Request().URI().QueryString()))
	l := exportLang(c)
	file, sheet := "月探访报告-"+month.String(), "月探访"
	if l == "en" {
		file, sheet = "visit-report-"+month.String(), "Visits"
	}
	if s := c.Query("region"); s != "" {
		file += "-" + s
	}
	return stream(c, h.log, format, file, sheet, visitColumns.in(l), func(_ context.Context, t tableWriter) error {
		for _, d := range r.Due {
			if err := t.Row(r.Month, d.ElderID, d.StationID, d.VisitorID, visitStateWords[visitState(r, d)].Label(l),
				d.VisitID, shanghai(d.VisitedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// visitState is an elder's month as the report counts it: visited, or
// not (overdue once the month ended, pending while it lasts).
func visitState(r visit.MonthlyReport, d visit.Due) string {
	switch {
	case d.VisitID != "":
		return "visited"
	case r.Ended:
		return "overdue"
	}
	return "pending"
}
