package http

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/kincare/kincare/app/statements"
	"github.com/kincare/kincare/domain/pricing"
)

type statementHandlers struct{ svc *statements.Service }

const (
	mimeCSV  = "text/csv"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

type statementJSON struct {
	ProviderID    string            `json:"providerId"`
	ProviderName  string            `json:"providerName,omitempty"`
	Month         string            `json:"month"`
	TimeZone      string            `json:"timeZone"`
	From          time.Time         `json:"from"`
	To            time.Time         `json:"to"`
	Served        []servedJSON      `json:"served"`
	Cancellations []cancelledJSON   `json:"cancellations"`
	Claims        []claimJSON       `json:"claims"`
	Totals        statementTotalsJS `json:"totals"`
}

type servedJSON struct {
	OrderID      string    `json:"orderId"`
	ServiceType  string    `json:"serviceType"`
	ItemID       string    `json:"itemId,omitempty"`
	ServiceStart time.Time `json:"serviceStart"`
	Status       string    `json:"status"`
	PriceFen     int64     `json:"priceFen"`
	AllowanceFen int64     `json:"allowanceFen"`
	DueFen       int64     `json:"dueFen"`
}

type cancelledJSON struct {
	OrderID      string    `json:"orderId"`
	ServiceType  string    `json:"serviceType"`
	ServiceStart time.Time `json:"serviceStart"`
	Status       string    `json:"status"`
	CancelledBy  string    `json:"cancelledBy"`
	CancelledAt  time.Time `json:"cancelledAt"`
	FeeFen       int64     `json:"feeFen"`
}

type claimJSON struct {
	Issuer string `json:"issuer"`
	Unit   string `json:"unit"`
	Amount int64  `json:"amount"`
	Orders int    `json:"orders"`
}

type statementTotalsJS struct {
	Served                int   `json:"served"`
	PriceFen              int64 `json:"priceFen"`
	AllowanceFen          int64 `json:"allowanceFen"`
	DueFen                int64 `json:"dueFen"`
	Cancellations         int   `json:"cancellations"`
	FeesFen               int64 `json:"feesFen"`
	DueFromFamiliesFen    int64 `json:"dueFromFamiliesFen"`
	AllowanceClaimFen     int64 `json:"allowanceClaimFen"`
	AllowanceClaimMinutes int64 `json:"allowanceClaimMinutes"`
}

func toStatement(s statements.Statement) statementJSON {
	t := s.Totals
	out := statementJSON{ProviderID: s.ProviderID, ProviderName: s.ProviderName, Month: s.Month, TimeZone: s.TimeZone,
		From: s.From.UTC(), To: s.To.UTC(), Served: make([]servedJSON, len(s.Served)),
		Cancellations: make([]cancelledJSON, len(s.Cancellations)), Claims: make([]claimJSON, len(s.Claims)),
		Totals: statementTotalsJS{Served: t.Served, PriceFen: t.PriceFen, AllowanceFen: t.AllowanceFen, DueFen: t.DueFen,
			Cancellations: t.Cancellations, FeesFen: t.FeesFen, DueFromFamiliesFen: t.DueFromFamiliesFen,
			AllowanceClaimFen: t.AllowanceClaimFen, AllowanceClaimMinutes: t.AllowanceClaimMinutes}}
	for i, o := range s.Served {
		out.Served[i] = servedJSON{OrderID: o.OrderID, ServiceType: o.ServiceType, ItemID: o.ItemID,
			ServiceStart: o.Start.UTC(), Status: string(o.Status), PriceFen: o.PriceFen, AllowanceFen: o.AllowanceFen,
			DueFen: o.DueFen}
	}
	for i, o := range s.Cancellations {
		out.Cancellations[i] = cancelledJSON{OrderID: o.OrderID, ServiceType: o.ServiceType, ServiceStart: o.Start.UTC(),
			Status: string(o.Status), CancelledBy: string(o.By), CancelledAt: o.At.UTC(), FeeFen: o.FeeFen}
	}
	for i, c := range s.Claims {
		out.Claims[i] = claimJSON{Issuer: c.Issuer, Unit: string(c.Unit), Amount: c.Amount, Orders: c.Orders}
	}
	return out
}

// get answers the statement in the format asked for by ?format=, else by
// Accept (JSON unless CSV or XLSX is preferred), in the caller's
// language for file names and headings.
func (h statementHandlers) get(c *fiber.Ctx) error {
	st, err := h.svc.Get(c.UserContext(), mustActor(c), c.Params("providerId"), c.Params("month"))
	if err != nil {
		return err
	}
	format := statementFormat(c)
	words := statementWordsEn
	if lang(c.Get(fiber.HeaderAcceptLanguage)) != "en" {
		words = statementWordsZh
	}
	c.Set(fiber.HeaderContentLanguage, words.lang)
	table := statementTable(st, words)
	switch format {
	case "csv":
		body, err := statementCSV(table)
		if err != nil {
			return err
		}
		attachment(c, words.file(st)+".csv")
		c.Set(fiber.HeaderContentType, mimeCSV+"; charset=utf-8")
		return c.Send(body)
	case "xlsx":
		body, err := statementXLSX(table)
		if err != nil {
			return err
		}
		attachment(c, words.file(st)+".xlsx")
		c.Set(fiber.HeaderContentType, mimeXLSX)
		return c.Send(body)
	}
	return c.JSON(toStatement(st))
}

// statementFormat is the format a statement is asked for in: ?format=,
// else Accept (JSON unless CSV or XLSX is preferred).
func statementFormat(c *fiber.Ctx) string {
	if format := c.Query("format"); format != "" {
		return format
	}
	switch c.Accepts(fiber.MIMEApplicationJSON, mimeCSV, mimeXLSX) {
	case mimeCSV:
		return "csv"
	case mimeXLSX:
		return "xlsx"
	}
	return "json"
}

// statementCSV writes the tables one after another, each under its
// title, a blank line between.
func statementCSV(table []sheet) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // a BOM, so spreadsheet programs read UTF-8 Chinese correctly
	w := csv.NewWriter(&buf)
	for i, sheet := range table {
		if i > 0 {
			_ = w.Write(nil)
		}
		_ = w.Write([]string{sheet.title})
		_ = w.WriteAll(sheet.rows)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// attachment names the file, in UTF-8 (RFC 6266 / 5987) with an ASCII
// fallback for old clients.
func attachment(c *fiber.Ctx, name string) {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ascii+`"; filename*=UTF-8''`+
		strings.ReplaceAll(url.QueryEscape(name), "+", "%20"))
}

// sheet is one table of the statement: one CSV section, one XLSX sheet.
type sheet struct {
	title string
	rows  [][]string // the first is the heading
}

type statementWords struct {
	lang                                           string
	served, cancellations, claims, summary         string
	servedCols, cancelCols, claimCols, summaryCols []string
	totals                                         []string
	units                                          map[string]string
	file                                           func(statements.Statement) string
}

var statementWordsZh = statementWords{
	lang: "zh-CN", served: "服务明细", cancellations: "取消订单", claims: "补贴结算", summary: "汇总",
	servedCols:  []string{"订单号", "服务开始时间", "服务类型", "状态", "服务价格（元）", "补贴抵扣（元）", "家庭应付（元）"},
	cancelCols:  []string{"订单号", "服务开始时间", "服务类型", "状态", "取消方", "取消时间", "取消费（元）"},
	claimCols:   []string{"发放机构", "单位", "数额", "订单数"},
	summaryCols: []string{"项目", "数额"},
	totals: []string{"服务订单数", "服务价格合计（元）", "补贴抵扣合计（元）", "家庭应付合计（元）", "取消订单数",
		"取消费合计（元）", "应向家庭收取合计（元）", "补贴结算合计（元）", "免费服务时长结算合计（分钟）"},
	units: map[string]string{"fen": "元", "minute": "分钟"},
	file: func(s statements.Statement) string {
		return "对账单-" + fileSafe(s.ProviderName, s.ProviderID) + "-" + s.Month
	},
}

var statementWordsEn = statementWords{
	lang: "en", served: "Services", cancellations: "Cancellations", claims: "Allowance claims", summary: "Summary",
	servedCols: []string{"Order", "Service start", "Service type", "Status", "Price (CNY)", "Allowance (CNY)",
		"Due from family (CNY)"},
	cancelCols:  []string{"Order", "Service start", "Service type", "Status", "Cancelled by", "Cancelled at", "Fee (CNY)"},
	claimCols:   []string{"Issuer", "Unit", "Amount", "Orders"},
	summaryCols: []string{"Item", "Amount"},
	totals: []string{"Orders served", "Price total (CNY)", "Allowance total (CNY)", "Due total (CNY)", "Cancellations",
		"Fees total (CNY)", "Due from families (CNY)", "Allowance claims (CNY)", "Free hours claimed (minutes)"},
	units: map[string]string{"fen": "CNY", "minute": "minutes"},
	file: func(s statements.Statement) string {
		return "statement-" + fileSafe(s.ProviderName, s.ProviderID) + "-" + s.Month
	},
}

// fileSafe keeps a provider's name fit for a file name.
func fileSafe(name, fallback string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		return fallback
	}
	return name
}

// statementTable lays the statement out as people read it: amounts in
// yuan with two decimals, times in the provider's zone.
func statementTable(s statements.Statement, w statementWords) []sheet {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	local := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	served := sheet{title: w.served, rows: [][]string{w.servedCols}}
	for _, o := range s.Served {
		served.rows = append(served.rows, []string{o.OrderID, local(o.Start), o.ServiceType, string(o.Status),
			pricing.Yuan(o.PriceFen), pricing.Yuan(o.AllowanceFen), pricing.Yuan(o.DueFen)})
	}
	cancelled := sheet{title: w.cancellations, rows: [][]string{w.cancelCols}}
	for _, o := range s.Cancellations {
		cancelled.rows = append(cancelled.rows, []string{o.OrderID, local(o.Start), o.ServiceType, string(o.Status),
			string(o.By), local(o.At), pricing.Yuan(o.FeeFen)})
	}
	claims := sheet{title: w.claims, rows: [][]string{w.claimCols}}
	for _, c := range s.Claims {
		amount := strconv.FormatInt(c.Amount, 10)
		if c.Unit == "fen" {
			amount = pricing.Yuan(c.Amount)
		}
		claims.rows = append(claims.rows, []string{c.Issuer, w.units[string(c.Unit)], amount, strconv.Itoa(c.Orders)})
	}
	t := s.Totals
	values := []string{strconv.Itoa(t.Served), pricing.Yuan(t.PriceFen), pricing.Yuan(t.AllowanceFen), pricing.Yuan(t.DueFen),
		strconv.Itoa(t.Cancellations), pricing.Yuan(t.FeesFen), pricing.Yuan(t.DueFromFamiliesFen),
		pricing.Yuan(t.AllowanceClaimFen), strconv.FormatInt(t.AllowanceClaimMinutes, 10)}
	summary := sheet{title: w.summary, rows: [][]string{w.summaryCols}}
	for i, v := range values {
		summary.rows = append(summary.rows, []string{w.totals[i], v})
	}
	return []sheet{summary, served, cancelled, claims}
}

// statementXLSX writes one sheet per table. Amounts stay text with two
// decimals, exactly as the CSV: a spreadsheet's floating point never
// touches them.
func statementXLSX(table []sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range table {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), s.title); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.title); err != nil {
			return nil, err
		}
		for r, row := range s.rows {
			cells := make([]any, len(row))
			for k, v := range row {
				cells[k] = v
			}
			cell, err := excelize.CoordinatesToCellName(1, r+1)
			if err != nil {
				return nil, err
			}
			if err := f.SetSheetRow(s.title, cell, &cells); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
