//! `async` fetch (feature `async`): woken by the channel's notification, not by polling in a
//! loop, and cancel-safe.

use core::future::Future;
use core::pin::Pin;
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

/// Fetches `T` through `channel`, awaiting the response instead of blocking.
///
/// Cancel-safe: dropping the future once polled, before it completes, closes the channel (a
/// future never polled has sent nothing, and leaves the channel as it was). The read buffer
/// exists only inside the last, synchronous step (which wipes what held a secret), so no
/// cancellation can leave it behind.
///
/// Timeouts compose from outside (for example embassy's `with_timeout`): a future dropped on
/// timeout closes its channel.
///
/// The future is written out as a state machine rather than an `async` block, whose poll after
/// completion panics: polled again after it answered, this one answers
/// `Wait(ChannelClosed)`, so the fetch stays free of panics (the on-target build proves it).
///
/// # Errors
///
/// As [`MicrovisorConfig::fetch`].
pub fn fetch_async<T: MicrovisorConfig, C: AsyncConfigChannel>(
    channel: &mut C,
) -> impl Future<Output = Result<T, FetchError>> + '_ {
    FetchAsync {
        channel,
        request: crate::Request::of::<T>(),
        // A closure, not a `T` parameter: its type outlives the borrow whatever `T` is, as the
        // signature promises (a struct generic over `T` would need `T: '_`).
        receive: Some(|channel: &mut C| crate::config::receive::<T>(channel, None)),
        sent: false,
    }
}

/// The future of [`fetch_async`]: `receive` reads the response into the settings. Dropping it
/// once it has been polled (the request sent) closes the channel; one never polled sent nothing
/// and leaves the channel as it was.
struct FetchAsync<'c, C: ConfigChannel, R> {
    channel: &'c mut C,
    request: crate::Request<'static>,
    /// `None` once the future has answered.
    receive: Option<R>,
    /// Whether the request has left (on the first poll).
    sent: bool,
}

impl<T, C, R> Future for FetchAsync<'_, C, R>
where
    C: AsyncConfigChannel,
    R: FnOnce(&mut C) -> Result<T, FetchError> + Unpin,
{
    type Output = Result<T, FetchError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `Unpin`: it holds a reference, a request and a closure that captures nothing.
        let this = self.get_mut();
        let Some(receive) = this.receive.take() else {
            return Poll::Ready(Err(FetchError::Wait(WaitError::ChannelClosed)));
        };
        if !this.sent {
            // A refused request closes the channel (`fetch::send`).
            fetch::send(this.channel, this.request)?;
            this.sent = true;
        }
        match this.channel.poll_response(cx) {
            Poll::Pending => {
                this.receive = Some(receive);
                Poll::Pending
            }
            // Reading closes the channel, on every path.
            Poll::Ready(Ok(())) => Poll::Ready(receive(this.channel)),
            Poll::Ready(Err(error)) => {
                this.channel.close();
                Poll::Ready(Err(FetchError::Wait(error)))
            }
        }
    }
}

impl<C: ConfigChannel, R> Drop for FetchAsync<'_, C, R> {
    fn drop(&mut self) {
        // A future never polled sent nothing, and leaves the channel as it was. Once sent, the
        // channel is closed already unless the future was dropped while it waited: closing
        // again is nothing.
        if self.sent {
            self.channel.close();
        }
    }
}
