//! `GET /analytics/*` reports (pages overview, pages, sources, events, sessions): thin handlers
//! over [`crate::analytics`].

use super::Call;
use crate::analytics::sql::Dimension;
use crate::analytics::{detail, reports};
use crate::error::ApiError;
use crate::reply::Reply;

/// The report an endpoint answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Report {
    Overview,
    TimeSeries,
    Countries,
    Devices,
    Browsers,
    Os,
    TopPages,
    EntryPages,
    ExitPages,
    Referrers,
    Campaigns,
    CustomEvents,
    Sessions,
}

pub(crate) async fn report(call: &mut Call<'_>, report: Report) -> Result<Reply, ApiError> {
    use reports::Report as R;
    let which = match report {
        Report::Overview => R::Overview,
        Report::TimeSeries => R::TimeSeries,
        Report::Countries => R::Breakdown(Dimension::Country),
        Report::Devices => R::Breakdown(Dimension::Device),
        Report::Browsers => R::Breakdown(Dimension::Browser),
        Report::Os => R::Breakdown(Dimension::Os),
        Report::TopPages => R::TopPages,
        Report::EntryPages => R::Breakdown(Dimension::EntryPage),
        Report::ExitPages => R::Breakdown(Dimension::ExitPage),
        Report::Referrers => R::Breakdown(Dimension::Referrer),
        Report::Campaigns => R::Campaigns,
        Report::CustomEvents => R::CustomEvents,
        Report::Sessions => R::Sessions,
    };
    reports::run(call, which).await
}

pub(crate) async fn session_detail(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    detail::get(call).await
}
