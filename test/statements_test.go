package e2e_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

type statementView struct {
	Month  string `json:"month"`
	Served []struct {
		OrderID      string `json:"orderId"`
		AllowanceFen int64  `json:"allowanceFen"`
		DueFen       int64  `json:"dueFen"`
	} `json:"served"`
	Cancellations []struct {
		OrderID string `json:"orderId"`
	} `json:"cancellations"`
	Claims []struct {
		Issuer string `json:"issuer"`
		Unit   string `json:"unit"`
		Amount int64  `json:"amount"`
		Orders int    `json:"orders"`
	} `json:"claims"`
	Totals struct {
		Served             int   `json:"served"`
		AllowanceFen       int64 `json:"allowanceFen"`
		DueFromFamiliesFen int64 `json:"dueFromFamiliesFen"`
		AllowanceClaimFen  int64 `json:"allowanceClaimFen"`
		Cancellations      int   `json:"cancellations"`
	} `json:"totals"`
}

// TestTheBathingCentreClaimsItsMonthFromItsStatement: a bath is given
// and one is cancelled; the centre's statement for the month lists the
// bath, what the family owes and what the district's subsidy paid (the
// ledger's commit, to the fen), and the cancellation; as JSON, as CSV
// and XLSX in Chinese or English. Nobody outside the centre's office
// can read it.
func TestTheBathingCentreClaimsItsMonthFromItsStatement(t *testing.T) {
	t.Parallel()
	srv, platform := startOrderServer(t, nil)
	home := point{lat: 31.1883, lng: 121.4365}
	owner := srv.signUp(t)
	prov := owner.register(t, providerBody(uniqueName("徐汇助浴服务中心"), home.offset(700, 700), 3, newPhone(),
		map[string]any{"openingHours": allDay()}))
	platform.verify(t, prov.ID)
	bath := owner.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	carer := owner.hireCaregiver(t, prov.ID, []string{"bathing"}, point{lat: home.lat + 0.004, lng: home.lng}, allDay())
	daughter := srv.signUp(t)
	fam := daughter.createFamily(t, uniqueName("王家"))
	mother := daughter.addElder(t, fam.ID, elderBody("王秀兰", map[string]any{"address": address(home.lat, home.lng)}))
	from, to := allowanceYears()
	subsidy := must[allowanceView](t, platform.post(t, "/v1/elders/"+mother.ID+"/allowances", map[string]any{
		"issuer": "上海市徐汇区民政局", "kind": "service_subsidy", "monthlyFen": 8000,
		"serviceTypes": []string{"bathing"}, "validFrom": from, "validTo": to}), http.StatusCreated)

	start, end := soonWindow(45 * time.Minute)
	window := map[string]string{"start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339)}
	order := func() orderView {
		q := must[quoteView](t, daughter.post(t, "/v1/quotes", map[string]any{"elderId": mother.ID,
			"providerId": prov.ID, "itemId": bath.ID, "window": window}), http.StatusOK)
		return must[orderView](t, daughter.post(t, "/v1/orders", map[string]any{"elderId": mother.ID,
			"providerId": prov.ID, "itemId": bath.ID, "priceVersion": q.PriceVersion, "window": window,
			"dueFen": q.DueFen}, "Idempotency-Key", randomID()), http.StatusCreated)
	}
	served := order()
	if served.Pricing.AllowanceFen != 8000 || served.Pricing.DueFen != 4000 {
		t.Fatalf("the bath is priced %+v, want ¥80 subsidy and ¥40 due", served.Pricing)
	}
	path := "/v1/orders/" + served.ID
	at := map[string]any{"lat": home.lat + 0.0003, "lng": home.lng, "deviceTime": time.Now().Format(time.RFC3339)}
	wantStatus(t, owner.post(t, path+"/dispatch", map[string]string{"caregiverId": carer.id}), http.StatusOK)
	wantStatus(t, carer.post(t, path+"/check-in", at), http.StatusOK)
	wantStatus(t, carer.post(t, path+"/begin", nil), http.StatusOK)
	wantStatus(t, carer.do(t, http.MethodPut, path+"/record", map[string]any{
		"checklist": []string{"water_temperature_checked", "skin_checked", "dressed"}}), http.StatusOK)
	wantStatus(t, carer.post(t, path+"/check-out", at), http.StatusOK)
	// The month's subsidy is spent; a second bath is priced without it, and cancelled.
	second := order()
	wantStatus(t, daughter.post(t, "/v1/orders/"+second.ID+"/cancel", map[string]any{"reason": "改天"}), http.StatusOK)

	month := start.Format("2006-01")
	l := ledgerOf(t, daughter, "/v1/elders/"+mother.ID+"/allowances/"+subsidy.ID+"/ledger", month)
	if l.Committed != 8000 || l.Held != 0 {
		t.Fatalf("the ledger after the bath: %s", compactJSON(l))
	}
	stmtPath := "/v1/providers/" + prov.ID + "/statements/" + month
	st := must[statementView](t, owner.get(t, stmtPath), http.StatusOK)
	if st.Month != month || len(st.Served) != 1 || st.Served[0].OrderID != served.ID || st.Totals.AllowanceFen != 8000 ||
		st.Totals.AllowanceClaimFen != l.Committed || len(st.Claims) != 1 || st.Claims[0].Amount != 8000 ||
		st.Claims[0].Issuer != "上海市徐汇区民政局" || st.Totals.Cancellations != 1 || st.Totals.DueFromFamiliesFen != 4000 {
		t.Fatalf("statement %s", compactJSON(st))
	}

	t.Run("CSV in Chinese and in English", func(t *testing.T) {
		r := owner.get(t, stmtPath, "Accept", "text/csv")
		wantStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.header.Get("Content-Disposition"), "filename*=UTF-8''"+url.QueryEscape("对账单")) {
			t.Errorf("CSV headers %v", r.header)
		}
		reader := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\uFEFF"))))
		reader.FieldsPerRecord = -1 // sections of different widths
		rows, err := reader.ReadAll()
		if err == nil {
			text := flatten(rows)
			for _, want := range []string{"汇总", "补贴结算合计（元）", "80.00", "40.00", served.ID, "上海市徐汇区民政局"} {
				if !strings.Contains(text, want) {
					t.Errorf("the Chinese CSV lacks %q:\n%s", want, r.body)
				}
			}
		} else {
			t.Fatalf("CSV: %v\n%s", err, r.body)
		}
		en := owner.get(t, stmtPath+"?format=csv", "Accept-Language", "en")
		wantStatus(t, en, http.StatusOK)
		if !strings.Contains(string(en.body), "Allowance claims (CNY)") ||
			!strings.Contains(en.header.Get("Content-Disposition"), "statement-") {
			t.Errorf("English CSV: %v\n%s", en.header, en.body)
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		r := owner.get(t, stmtPath, "Accept",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		wantStatus(t, r, http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("not a workbook: %v", err)
		}
		defer f.Close()
		rows, err := f.GetRows("汇总")
		if err != nil {
			t.Fatalf("sheets %v: %v", f.GetSheetList(), err)
		}
		if !strings.Contains(flatten(rows), "80.00") || len(f.GetSheetList()) != 4 {
			t.Errorf("summary sheet %v of %v", rows, f.GetSheetList())
		}
	})
	t.Run("only the centre's office reads it", func(t *testing.T) {
		wantProblem(t, daughter.get(t, stmtPath), http.StatusNotFound, "provider_not_found")
		wantProblem(t, carer.get(t, stmtPath), http.StatusNotFound, "provider_not_found")
		other := srv.signUp(t)
		mine := other.register(t, providerBody(uniqueName("别家助浴"), home, 3, newPhone(), nil))
		wantProblem(t, other.get(t, stmtPath), http.StatusNotFound, "provider_not_found")
		wantStatus(t, other.get(t, "/v1/providers/"+mine.ID+"/statements/"+month), http.StatusOK)
		wantProblem(t, owner.get(t, "/v1/providers/"+prov.ID+"/statements/2026-13"), // calendar-safe: never a month
			http.StatusBadRequest, "invalid_parameter")
	})
}

func flatten(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteByte('\n')
	}
	return b.String()
}
