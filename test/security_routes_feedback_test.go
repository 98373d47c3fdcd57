package e2e_test

// Rows: ratings and complaints. A rating is the family's, of its own
// visits. A complaint is its family's, its provider's office's and,
// once escalated, the regulator's; each step is one party's (the
// provider answers, the family accepts or escalates, the regulator
// decides). The complaints are the world's, in states where the step
// does nothing (409), answered only past every check of who may act.

import "net/http"

func feedbackRows(w *world) []row {
	ok, nf := http.StatusOK, http.StatusNotFound
	forbidden, conflict := http.StatusForbidden, http.StatusConflict
	open, decided := "/v1/complaints/"+w.complaintOpen, "/v1/complaints/"+w.complaintDecided
	return []row{
		// orderA is not yet served: rating it is 409 for its family.
		{op: "rateOrder", fixture: fixture{path: "/v1/orders/" + w.orderA + "/rating", body: map[string]any{"stars": 4}},
			want: who{famA: conflict, famA2: conflict, provA: forbidden, officeA: forbidden, carerA: forbidden}, others: nf},
		// orderA has its complaint already.
		{op: "fileComplaint", fixture: fixture{path: "/v1/complaints", body: map[string]any{
			"subject": map[string]string{"kind": "order", "id": w.orderA}, "category": "late_or_no_show",
			"text": "护理员迟到一小时，洗澡过程很匆忙。", "desiredResolution": "apology"}},
			want: who{famA: conflict, famA2: conflict}, others: nf},
		{op: "getComplaint", fixture: fixture{path: open}, want: who{famA: ok, famA2: ok, provA: ok, officeA: ok}, others: nf},
		{op: "respondToComplaint", fixture: fixture{path: decided + "/response", body: map[string]string{"text": "已整改"}},
			want: who{provA: conflict, officeA: conflict, famA: forbidden, famA2: forbidden, regul: forbidden}, others: nf},
		{op: "acceptComplaintResponse", fixture: fixture{path: decided + "/accept"},
			want: who{famA: conflict, famA2: conflict, provA: forbidden, officeA: forbidden, regul: forbidden}, others: nf},
		{op: "escalateComplaint", fixture: fixture{path: open + "/escalate"},
			want: who{famA: conflict, famA2: conflict, provA: forbidden, officeA: forbidden}, others: nf},
		{op: "decideComplaint", fixture: fixture{path: decided + "/decision",
			body: map[string]string{"outcome": "not_upheld", "text": "经核查，服务符合约定。"}},
			want: who{regul: conflict, regulX: nf}, others: forbidden},
		{op: "listFamilyComplaints", fixture: fixture{path: "/v1/families/" + w.famA + "/complaints"},
			want: who{famA: ok, famA2: ok}, others: nf},
		{op: "listProviderComplaints", fixture: fixture{path: "/v1/providers/" + w.provA + "/complaints"},
			want: who{provA: ok, officeA: ok}, others: nf},
		// Suzhou's regulator gets a list too, of Suzhou's complaints (none).
		{op: "listRegulatorComplaints", fixture: fixture{path: "/v1/regulator/complaints"}, want: who{regul: ok, regulX: ok},
			others: forbidden},
	}
}
