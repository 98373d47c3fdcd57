package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/domain/order"
)

type ratingJSON struct {
	OrderID          string    `json:"orderId,omitempty"`
	Stars            int       `json:"stars"`
	Tags             []string  `json:"tags"`
	Text             string    `json:"text,omitempty"`
	RatedBy          string    `json:"ratedBy"`
	RatedAt          time.Time `json:"ratedAt"`
	SuggestComplaint *bool     `json:"suggestComplaint,omitempty"`
}

func toRating(r order.Rating) *ratingJSON {
	out := &ratingJSON{Stars: r.Stars, Tags: make([]string, len(r.Tags)), Text: r.Text, RatedBy: r.By, RatedAt: r.At.UTC()}
	for i, t := range r.Tags {
		out.Tags[i] = string(t)
	}
	return out
}

func (h orderHandlers) rate(c *fiber.Ctx) error {
	var req struct {
		Stars int      `json:"stars"`
		Tags  []string `json:"tags"`
		Text  string   `json:"text"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.Rate(c.UserContext(), mustActor(c), c.Params("orderId"),
		orders.RateCommand{Stars: req.Stars, Tags: req.Tags, Text: req.Text})
	if err != nil {
		return err
	}
	out := toRating(r.Rating)
	out.OrderID, out.SuggestComplaint = r.OrderID, &r.SuggestComplaint
	return c.Status(fiber.StatusCreated).JSON(out)
}
