package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/oversight"
)

type oversightHandlers struct{ svc *oversight.Service }

type officialActionJSON struct {
	ID           string    `json:"id"`
	ActorID      string    `json:"actorId"`
	ActorRegions []string  `json:"actorRegions"`
	Action       string    `json:"action"`
	SubjectKind  string    `json:"subjectKind"`
	SubjectID    string    `json:"subjectId"`
	RegionCode   string    `json:"regionCode"`
	Detail       string    `json:"detail,omitempty"`
	RequestID    string    `json:"requestId"`
	At           time.Time `json:"at"`
}

func (h oversightHandlers) list(c *fiber.Ctx) error {
	p, err := h.svc.List(c.UserContext(), mustActor(c), oversight.Query{ActorID: c.Query("actorId"),
		Cursor: c.Query("cursor"), Limit: c.QueryInt("limit", 0)})
	if err != nil {
		return err
	}
	out := items[officialActionJSON]{Items: make([]officialActionJSON, len(p.Actions)), NextCursor: p.NextCursor}
	for i, a := range p.Actions {
		out.Items[i] = officialActionJSON{ID: a.ID, ActorID: a.ActorID, ActorRegions: a.ActorRegions, Action: string(a.Action),
			SubjectKind: a.SubjectKind, SubjectID: a.SubjectID, RegionCode: a.RegionCode, Detail: a.Detail,
			RequestID: a.RequestID, At: a.At}
		if out.Items[i].ActorRegions == nil {
			out.Items[i].ActorRegions = []string{}
		}
	}
	return c.JSON(out)
}
