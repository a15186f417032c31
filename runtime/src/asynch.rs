//! `async` fetch (feature `async`): woken by the channel's notification, not by polling in a
//! loop, and cancel-safe.

use core::future::{poll_fn, Future};
use core::task::{Context, Poll};

use crate::channel::ConfigChannel;
use crate::config::MicrovisorConfig;
use crate::error::{FetchError, WaitError};
use crate::fetch;

/// A channel whose response can be awaited: the waker given to `poll_response` is woken by
/// the channel's `CHANNELDATAREADABLE` notification.
pub trait AsyncConfigChannel: ConfigChannel {
    /// `Ready(Ok(()))` once the response has arrived; otherwise registers `cx`'s waker to be
    /// woken when it does, and returns `Pending`.
    ///
    /// # Errors
    ///
    /// `Ready(Err(..))` if the channel closed, or nothing was sent.
    fn poll_response(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), WaitError>>;
}

impl<C: AsyncConfigChannel + ?Sized> AsyncConfigChannel for &mut C {
    fn poll_response(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), WaitError>> {
        (**self).poll_response(cx)
    }
}

/// Closes the channel when dropped: what makes the future cancel-safe.
struct CloseOnDrop<'c, C: ConfigChannel>(&'c mut C);

impl<C: ConfigChannel> Drop for CloseOnDrop<'_, C> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Fetches `T` through `channel`, awaiting the response instead of blocking.
///
/// Cancel-safe: dropping the future before it completes closes the channel. The read buffer
/// exists only inside the last, synchronous step (which wipes what held a secret), so no
/// cancellation can leave it behind.
///
/// Timeouts compose from outside (for example embassy's `with_timeout`): a future dropped on
/// timeout closes its channel.
///
/// # Errors
///
/// As [`MicrovisorConfig::fetch`].
// Spelled out rather than `async fn`, so that the future borrows only the channel (an `async
// fn` would also tie it to `T`, which `MicrovisorConfig::fetch_async` cannot promise).
#[allow(clippy::manual_async_fn)]
pub fn fetch_async<T: MicrovisorConfig, C: AsyncConfigChannel>(
    channel: &mut C,
) -> impl Future<Output = Result<T, FetchError>> + '_ {
    async move {
        let guard = CloseOnDrop(channel);
        fetch::send(guard.0, crate::Request::of::<T>())?;
        poll_fn(|cx| guard.0.poll_response(cx)).await.map_err(FetchError::Wait)?;
        crate::config::receive(guard.0, None)
    }
}
