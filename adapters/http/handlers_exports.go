package http

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/indicators"
	"github.com/kincare/kincare/app/oversight"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/app/visits"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/provider"
)

// exportHandlers stream the regulator's tables as CSV or XLSX: the
// indicator table of a region-month, the register of providers and the
// complaints that went to the regulator. Chinese headings unless
// ?lang=en; the same data gives the same bytes.
type exportHandlers struct {
	indicators *indicators.Service
	providers  *providers.Service
	complaints *complaints.Service
	oversight  *oversight.Service
	visits     *visits.Service
	log        *slog.Logger
}

var indicatorColumns = exportWords{
	zh: []string{"地区代码", "月份", "指标代码", "分组", "指标", "分项代码", "分项", "数值", "单位", "基数"},
	en: []string{"Region", "Month", "Key", "Group", "Indicator", "Part key", "Part", "Value", "Unit", "Basis"},
}

var unitWords = map[indicator.Unit]indicator.Words{
	indicator.UnitCount: {ZH: "数量", EN: "count"}, indicator.UnitRatio: {ZH: "比例", EN: "ratio"},
	indicator.UnitSeconds: {ZH: "秒", EN: "seconds"}, indicator.UnitFen: {ZH: "分", EN: "fen"},
	indicator.UnitPer10k: {ZH: "每万人", EN: "per 10,000"},
}

// indicatorTable exports one region-month's table: a row per indicator,
// then a row per part of a breakdown under it.
func (h exportHandlers) indicatorTable(c *fiber.Ctx) error {
	format, err := parseFormat(c)
	if err != nil {
		return err
	}
	r, err := h.indicators.Table(c.UserContext(), mustActor(c), indicatorQuery(c))
	if err != nil {
		return err
	}
	h.indicators.Exported(c.UserContext(), mustActor(c), "indicators", string(r.Region), r.Month.String())
	l := exportLang(c)
	region, month := string(r.Region), r.Month.String()
	file, sheet := "监管指标-"+region+"-"+month, "监管指标"
	if l == "en" {
		file, sheet = "indicators-"+region+"-"+month, "Indicators"
	}
	return stream(c, h.log, format, file, sheet, indicatorColumns.in(l), func(_ context.Context, t tableWriter) error {
		for _, v := range r.Table.Values {
			d, _ := indicator.DefinitionOf(v.Key)
			label, unit := d.Words().Label(l), unitWords[d.Unit].Label(l)
			var b any
			if n := basis(v, d); n != nil {
				b = float64(*n)
			}
			if err := t.Row(region, month, v.Key, d.Group, label, "", "", v.Value, unit, b); err != nil {
				return err
			}
			for _, p := range v.Parts {
				if err := t.Row(region, month, v.Key, d.Group, label, p.Key, indicator.PartWords(p.Key).Label(l),
					p.Value, unit, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

var providerColumns = exportWords{
	zh: []string{"机构编号", "机构名称", "地区代码", "地址", "证照（类型 证号 有效期至）", "审核状态", "信用状态", "登记日期"},
	en: []string{"Provider", "Name", "Region", "Address", "Licences (kind number valid to)", "Verification", "Credit", "Registered"},
}

// providers exports the register of providers with the list's filters,
// page by page as the store reads it.
func (h exportHandlers) providerList(c *fiber.Ctx) error {
	format, err := parseFormat(c)
	if err != nil {
		return err
	}
	a := mustActor(c)
	q, err := supervisedQuery(c)
	if err != nil {
		return err
	}
	q.Limit = 100
	first, err := h.providers.Supervised(c.UserContext(), a, q) // rights and filters answer here, before any byte
	if err != nil {
		return err
	}
	h.indicators.Exported(c.UserContext(), a, "providers", regionFilter(q.Region), string(c.Request().URI().QueryString()))
	l := exportLang(c)
	file, sheet := "监管机构名录", "机构名录"
	if l == "en" {
		file, sheet = "providers", "Providers"
	}
	if q.Region != "" {
		file += "-" + q.Region
	}
	return stream(c, h.log, format, file, sheet, providerColumns.in(l), func(ctx context.Context, t tableWriter) error {
		return eachPage(ctx, first, func(ctx context.Context, cursor string) (providers.SupervisedPage, error) {
			q.Cursor = cursor
			return h.providers.Supervised(ctx, a, q)
		}, func(pg providers.SupervisedPage) (string, error) {
			for _, p := range pg.Providers {
				if err := t.Row(providerRow(p)...); err != nil {
					return "", err
				}
			}
			return pg.NextCursor, nil
		})
	})
}

func providerRow(p *provider.Provider) []any {
	var lic []string
	for _, l := range p.Profile.Licences {
		s := string(l.Kind) + " " + l.Number
		if !l.ValidTo.IsZero() {
			s += " " + l.ValidTo.String()
		}
		lic = append(lic, s)
	}
	ad := p.Profile.Address
	return []any{p.ID, p.Profile.LegalName, ad.RegionCode, ad.Province + ad.City + ad.District + ad.Street,
		strings.Join(lic, "; "), string(p.Status), string(p.Credit), p.CreatedAt.In(indicator.Zone).Format("2006-01-02")}
}

var complaintColumns = exportWords{
	zh: []string{"投诉编号", "机构编号", "机构名称", "地区代码", "类别", "状态", "提交时间", "答复期限", "答复时间",
		"逾期答复", "提交监管时间", "处理结果"},
	en: []string{"Complaint", "Provider", "Provider name", "Region", "Category", "Status", "Filed", "Answer by",
		"Answered", "Answered late", "Escalated", "Outcome"},
}

// complaintList exports the complaints that went to the regulator in the
// caller's regions, newest first; ?month= keeps those filed in that
// month (one that has not begun: 422).
func (h exportHandlers) complaintList(c *fiber.Ctx) error {
	format, err := parseFormat(c)
	if err != nil {
		return err
	}
	a := mustActor(c)
	var month indicator.Month
	if m := c.Query("month"); m != "" {
		if month, err = h.indicators.PastMonth(m); err != nil {
			return err
		}
	}
	q := complaintQuery(c)
	q.Limit, q.Cursor = 100, ""
	first, err := h.complaints.ForRegulator(c.UserContext(), a, q)
	if err != nil {
		return err
	}
	h.indicators.Exported(c.UserContext(), a, "complaints", "", string(c.Request().URI().QueryString()))
	l := exportLang(c)
	file, sheet := "监管投诉", "投诉"
	if l == "en" {
		file, sheet = "complaints", "Complaints"
	}
	if q.Region != "" {
		file += "-" + q.Region
	}
	if !month.IsZero() {
		file += "-" + month.String()
	}
	return stream(c, h.log, format, file, sheet, complaintColumns.in(l), func(ctx context.Context, t tableWriter) error {
		return eachPage(ctx, first, func(ctx context.Context, cursor string) (complaints.Page, error) {
			q.Cursor = cursor
			return h.complaints.ForRegulator(ctx, a, q)
		}, func(pg complaints.Page) (string, error) {
			for _, v := range pg.Views {
				if !month.IsZero() && indicator.MonthOf(v.Complaint.FiledAt()) != month {
					continue
				}
				if err := t.Row(complaintRow(v.Complaint)...); err != nil {
					return "", err
				}
			}
			return pg.NextCursor, nil
		})
	})
}

func complaintRow(c *complaint.Complaint) []any {
	row := []any{c.ID(), c.ProviderID(), c.ProviderName(), c.RegionCode(), string(c.Category()), string(c.Status()),
		shanghai(c.FiledAt()), shanghai(c.RespondBy()), "", "", "", ""}
	if r, ok := c.Reply(); ok {
		row[8] = shanghai(r.At)
		if r.At.After(c.RespondBy()) {
			row[9] = "1"
		} else {
			row[9] = "0"
		}
	}
	if e, ok := c.Escalation(); ok {
		row[10] = shanghai(e.At)
	}
	if d, ok := c.Decision(); ok {
		row[11] = string(d.Outcome)
	}
	return row
}

// shanghai is a time as a regulator reads it: minutes, in Asia/Shanghai.
func shanghai(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(indicator.Zone).Format("2006-01-02 15:04")
}

// regionFilter is a list's region filter as a six-digit code (the log
// names regions by code): "3101" is the city 310100.
func regionFilter(prefix string) string {
	if prefix == "" || len(prefix) > 6 {
		return prefix
	}
	return prefix + "000000"[len(prefix):]
}

var expiryColumns = exportWords{
	zh: []string{"机构编号", "机构名称", "地区代码", "类别", "类型", "证号", "护理员编号", "有效期至", "已过期"},
	en: []string{"Provider", "Name", "Region", "What", "Type", "Number", "Caregiver", "Valid to", "Lapsed"},
}

var expiryWhatWords = map[string]indicator.Words{
	"licence": {ZH: "机构证照", EN: "licence"}, "certificate": {ZH: "护理员证书", EN: "certificate"},
}

// expiryList exports the expiry list with its filters, page by page,
// provider by provider.
func (h exportHandlers) expiryList(c *fiber.Ctx) error {
	format, err := parseFormat(c)
	if err != nil {
		return err
	}
	a := mustActor(c)
	q, err := expiryQuery(c)
	if err != nil {
		return err
	}
	q.Limit, q.Cursor = 100, ""
	first, err := h.providers.Expiring(c.UserContext(), a, q) // rights and filters answer here, before any byte
	if err != nil {
		return err
	}
	h.indicators.Exported(c.UserContext(), a, "expiries", regionFilter(q.Region), string(c.Request().URI().QueryString()))
	l := exportLang(c)
	file, sheet := "证照到期清单-"+first.Until.String(), "证照到期"
	if l == "en" {
		file, sheet = "expiries-"+first.Until.String(), "Expiries"
	}
	if q.Region != "" {
		file += "-" + q.Region
	}
	yes := indicator.Words{ZH: "是", EN: "yes"}.Label(l)
	return stream(c, h.log, format, file, sheet, expiryColumns.in(l), func(ctx context.Context, t tableWriter) error {
		return eachPage(ctx, first, func(ctx context.Context, cursor string) (providers.ExpiryPage, error) {
			q.Cursor = cursor
			return h.providers.Expiring(ctx, a, q)
		}, func(pg providers.ExpiryPage) (string, error) {
			for _, e := range toExpiries(pg, pg.Today) {
				lapsed := ""
				if e.Lapsed {
					lapsed = yes
				}
				typ := e.Type
				if w, ok := expiryTypeWords(e.Type); ok {
					typ = w.Label(l)
				}
				if err := t.Row(e.ProviderID, e.ProviderName, e.RegionCode, expiryWhatWords[e.What].Label(l), typ,
					e.Number, e.CaregiverID, e.ValidTo, lapsed); err != nil {
					return "", err
				}
			}
			return pg.NextCursor, nil
		})
	})
}

// expiryTypeWords names a licence's kind of business or a certificate's
// kind.
func expiryTypeWords(key string) (indicator.Words, bool) {
	if w, ok := certificateWords[key]; ok {
		return w, true
	}
	w := indicator.PartWords(key)
	return w, w.ZH != key
}

var certificateWords = map[string]indicator.Words{
	"elderly_care_worker": {ZH: "养老护理员证", EN: "Elderly care worker"},
	"nurse":               {ZH: "护士执业证书", EN: "Nurse"},
	"health_manager":      {ZH: "健康管理师", EN: "Health manager"},
	"childcare_worker":    {ZH: "保育员/育婴员证", EN: "Childcare worker"},
}
