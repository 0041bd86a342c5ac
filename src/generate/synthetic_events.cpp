// The demo retailer's event tables (synthetic.h): orders and page views, drawn from the same customers' streams as
// their profile columns, so that the two agree.
#include <algorithm>
#include <array>
#include <vector>

#include "generate/synthetic.h"
#include "generate/synthetic_parts.h"
#include "generate/vocabulary.h"

namespace segmint::generate {

using namespace detail;  // the shared pieces (synthetic_parts.h)

namespace {

// Channels of the orders file.
constexpr std::array<const char*, 3> kOrderChannels = {"web", "store", "app"};
constexpr std::array<uint32_t, 3> kOrderChannelWeights = {550, 300, 150};
// Order ids are customer_id * this + the order's number: unique without a counter shared across rows.
constexpr int64_t kMaxOrdersPerCustomer = 100000;
// Each event table draws from a stream of its own, so the customers' file is the same with or without them.
constexpr uint64_t kOrdersStream = 0x6F72646572735F31ull;
constexpr uint64_t kPageViewsStream = 0x7061676576696577ull;

// Pages of the shop; `/pricing` is the membership plans' page.
constexpr std::array<const char*, 12> kPages = {"/",
                                                "/search",
                                                "/products/running",
                                                "/products/outdoor",
                                                "/products/apparel",
                                                "/cart",
                                                "/pricing",
                                                "/products/cycling",
                                                "/help",
                                                "/account",
                                                "/products/kids",
                                                "/sale"};
constexpr std::array<uint32_t, 12> kPageWeights = {200, 120, 110, 100, 120, 80, 60, 50, 40, 60, 30, 30};
// Page views are written for the 30 days before the as-of date.
constexpr int32_t kPageViewDays = 30;
// Browsing: a geometric number of views by engagement (dormant, casual, regular, heavy).
constexpr std::array<uint32_t, 4> kMoreViewsPerMille = {300, 500, 700, 850};

// The days of a customer's orders: lifetime_orders of them, orders_90d in the 90 days before the as-of date and the
// first one on last_order_date. A customer who signed up inside the window has only the orders in it (its
// lifetime_orders may then count more).
std::vector<int32_t> order_days_of(const Purchases& p, const Calendar& days, Rng& rng) {
    if (p.lifetime_orders == 0) return {};
    const int32_t window_start = days.as_of - 90;
    std::vector<int32_t> order_days{p.last_order};
    const int64_t older = p.signup < window_start ? p.lifetime_orders - p.orders_90d : 0;
    if (p.orders_90d > 0) {
        for (int64_t i = 1; i < p.orders_90d; ++i) {
            order_days.push_back(static_cast<int32_t>(rng.between(std::max(p.signup, window_start), p.last_order)));
        }
        for (int64_t i = 0; i < older; ++i) {
            order_days.push_back(static_cast<int32_t>(rng.between(p.signup, window_start - 1)));
        }
    } else {
        for (int64_t i = 1; i < older; ++i)
            order_days.push_back(static_cast<int32_t>(rng.between(p.signup, p.last_order)));
    }
    return order_days;
}

// The row's orders (synthetic.h), amounts summing to total_spend.
void write_orders(Output& out, const Calendar& days, uint64_t seed, uint64_t row) {
    Rng profile(seed, row);
    const Purchases p = purchases_of(profile, days);
    Rng rng(seed ^ kOrdersStream, row);
    const std::vector<int32_t> order_days = order_days_of(p, days, rng);
    const auto n = static_cast<int64_t>(order_days.size());
    if (n == 0) return;
    const int64_t total = p.total_cents * n / p.lifetime_orders;
    const int64_t customer_id = static_cast<int64_t>(row) + 1;
    struct Order {
        int32_t day;
        uint32_t second;
        int64_t id, cents;
        const char* channel;
    };
    std::vector<Order> orders;
    for (int64_t i = 0; i < n; ++i) {
        // The latest order is on last_order_date, before the time of day of every other order that day.
        const uint32_t second = i == 0 ? 86399 : static_cast<uint32_t>(rng.below(86399));
        const char* channel = kOrderChannels[rng.pick(kOrderChannelWeights, sum(kOrderChannelWeights))];
        orders.push_back({order_days[static_cast<size_t>(i)], second, customer_id * kMaxOrdersPerCustomer + i,
                          total / n + (i < total % n ? 1 : 0), channel});
    }
    // Written in time order, as an export `ORDER BY customer_id, ordered_at` is (the loader's fast path).
    std::stable_sort(orders.begin(), orders.end(), [](const Order& a, const Order& b) {
        return a.day != b.day ? a.day < b.day : a.second < b.second;
    });
    for (const Order& order : orders) {
        out.integer(order.id);
        out.character(',');
        out.integer(customer_id);
        out.character(',');
        out.timestamp(order.day, order.second);
        out.character(',');
        out.fixed(order.cents, 2);
        out.character(',');
        out.text(order.channel);
        out.character('\n');
    }
}

void write_page_view(Output& out, uint64_t row, int32_t day, uint32_t second, const char* url) {
    out.integer(static_cast<int64_t>(row) + 1);
    out.character(',');
    out.timestamp(day, second);
    out.character(',');
    out.text(url);
    out.character('\n');
}

// The row's page views (synthetic.h): a view of /checkout at the start of the day of each order in the last 30 days,
// then browsing on days since signup in those 30 days.
void write_page_views(Output& out, const Calendar& days, uint64_t seed, uint64_t row) {
    Rng profile(seed, row);
    const Purchases p = purchases_of(profile, days);
    Rng orders(seed ^ kOrdersStream, row);
    const int32_t first_day = std::max(p.signup, days.as_of - kPageViewDays), last_day = days.as_of - 1;
    struct View {
        int32_t day;
        uint32_t second;
        const char* url;
    };
    std::vector<View> views;
    for (int32_t day : order_days_of(p, days, orders)) {
        if (day >= first_day) views.push_back({day, 0, "/checkout"});
    }
    if (first_day <= last_day) {
        Rng rng(seed ^ kPageViewsStream, row);
        const int64_t browsing = geometric(rng, kMoreViewsPerMille[p.engagement], 200);
        for (int64_t i = 0; i < browsing; ++i) {
            const auto day = static_cast<int32_t>(rng.between(first_day, last_day));
            const auto second = static_cast<uint32_t>(rng.below(86400));
            views.push_back({day, second, kPages[rng.pick(kPageWeights, sum(kPageWeights))]});
        }
    }
    // In time order, like the orders.
    std::stable_sort(views.begin(), views.end(),
                     [](const View& a, const View& b) { return a.day != b.day ? a.day < b.day : a.second < b.second; });
    for (const View& view : views) write_page_view(out, row, view.day, view.second, view.url);
}

// Writes the header and the events of customers 1..rows.
template <typename WriteRow>
bool write_events(const ByteSink& sink, std::string_view header, uint64_t rows, uint64_t seed, WriteRow write_row) {
    const Calendar days;
    Output out(sink);
    out.text(header);
    for (uint64_t row = 0; row < rows; ++row) {
        write_row(out, days, seed, row);
        if (!out.maybe_flush()) return false;
    }
    return out.flush();
}

}  // namespace

bool write_synthetic_orders_csv(const ByteSink& sink, uint64_t rows, uint64_t seed) {
    return write_events(sink, "order_id,customer_id,ordered_at,amount,channel\n", rows, seed, write_orders);
}

bool write_synthetic_orders_csv(std::FILE* file, uint64_t rows, uint64_t seed) {
    return write_synthetic_orders_csv(file_sink(file), rows, seed);
}

bool write_synthetic_page_views_csv(const ByteSink& sink, uint64_t rows, uint64_t seed) {
    return write_events(sink, "customer_id,viewed_at,url\n", rows, seed, write_page_views);
}

bool write_synthetic_page_views_csv(std::FILE* file, uint64_t rows, uint64_t seed) {
    return write_synthetic_page_views_csv(file_sink(file), rows, seed);
}

}  // namespace segmint::generate
