//! `async` fetch (feature `async`): woken by the channel's notification, not by polling in a
//! loop, and cancel-safe.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::channel::{send, ConfigChannel, Request};
use crate::error::{FetchError, WaitError};

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

/// The future of `fetch_async`: sends `request` on the first poll, waits for the response
/// woken by the notification, then `receive` reads it into the settings.
///
/// Cancel-safe: dropping it once polled closes the channel; one never polled has sent nothing
/// and leaves the channel as it was. The read buffer exists only inside the last, synchronous
/// step, so no cancellation can leave it behind. It is a state machine rather than an `async`
/// block, whose poll after completion panics: polled again after it answered, this one answers
/// `Wait(ChannelClosed)`, so the fetch stays free of panics.
pub(crate) struct FetchAsync<'c, C: ConfigChannel, R> {
    channel: &'c mut C,
    request: Request<'static>,
    /// `None` once the future has answered.
    receive: Option<R>,
    /// Whether the request has left (on the first poll).
    sent: bool,
}

impl<'c, C: ConfigChannel, R> FetchAsync<'c, C, R> {
    /// The future of a fetch of `request` through `channel`, read by `receive`.
    pub(crate) fn new(channel: &'c mut C, request: Request<'static>, receive: R) -> Self {
        FetchAsync { channel, request, receive: Some(receive), sent: false }
    }
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
            send(this.channel, this.request)?;
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
