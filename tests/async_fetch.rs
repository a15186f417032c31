//! The `async` fetch: woken by the notification, not by polling in a loop, and cancel-safe.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use common::*;
use microvisor_config::{
    FetchError, ItemError, MicrovisorConfig, MvStatus, Scope, Store, WaitError,
};
use microvisor_config_sim::ChannelFault;

/// Counts its wakes: the simplest executor that can tell a notification from a busy loop.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn waker() -> (Arc<CountingWaker>, Waker) {
    let counter = Arc::new(CountingWaker::default());
    (counter.clone(), Waker::from(counter))
}

#[test]
fn the_future_sleeps_until_the_notification_wakes_it() {
    let mut cloud = cloud();
    cloud.deliver_manually();
    let mut channel = cloud.open_channel();
    let (wakes, waker) = waker();
    let mut cx = Context::from_waker(&waker);
    {
        let mut future = pin!(Mqtt::fetch_async(&mut channel));

        assert!(future.as_mut().poll(&mut cx).is_pending());
        assert_eq!(cloud.requests_sent(), 1);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0, "nothing wakes it before the response");

        cloud.deliver();
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1, "the notification wakes it once");
        let Poll::Ready(result) = future.as_mut().poll(&mut cx) else {
            panic!("ready after the wake");
        };
        assert_eq!(result.unwrap().broker_port, 8883);
        assert_eq!(cloud.response_polls(), 2, "polled twice: no busy loop");
    }
    assert!(channel.is_closed());
}

/// A channel borrowed for the fetch (`&mut C` is a channel too) waits as the channel itself does:
/// pending until the notification, then the settings.
#[test]
fn a_borrowed_channel_waits_for_the_notification_too() {
    let mut cloud = cloud();
    cloud.deliver_manually();
    let mut channel = cloud.open_channel();
    let mut borrowed = &mut channel;
    let (_, waker) = waker();
    let mut cx = Context::from_waker(&waker);
    {
        let mut future = pin!(Mqtt::fetch_async(&mut borrowed));
        assert!(future.as_mut().poll(&mut cx).is_pending(), "nothing has arrived yet");
        cloud.deliver();
        let Poll::Ready(result) = future.as_mut().poll(&mut cx) else {
            panic!("ready after the wake");
        };
        assert_eq!(result.unwrap().broker_port, 8883);
    }
    assert!(channel.is_closed());
}

#[test]
fn dropping_the_future_while_it_waits_closes_the_channel() {
    let mut cloud = cloud();
    cloud.deliver_manually();
    let mut channel = cloud.open_channel();
    let (_, waker) = waker();
    let mut cx = Context::from_waker(&waker);
    {
        let mut future = pin!(Mqtt::fetch_async(&mut channel));
        assert!(future.as_mut().poll(&mut cx).is_pending());
    } // cancelled here, as a timeout would
    assert!(channel.is_closed());
    assert_eq!(cloud.channels_closed(), 1);
    // A late notification finds nobody and breaks nothing.
    cloud.deliver();
}

#[test]
fn a_future_that_never_gets_a_response_stays_pending_until_dropped() {
    let mut cloud = cloud();
    cloud.channel_fault(ChannelFault::NoResponse);
    let mut channel = cloud.open_channel();
    let (_, waker) = waker();
    let mut cx = Context::from_waker(&waker);
    {
        let mut future = pin!(Mqtt::fetch_async(&mut channel));
        for _ in 0..3 {
            assert!(future.as_mut().poll(&mut cx).is_pending());
        }
    }
    assert!(channel.is_closed());
}

#[test]
fn errors_are_the_blocking_fetch_errors() {
    let mut cloud = cloud();
    cloud.remove(Scope::Device, Store::Config, "broker-host");
    let mut channel = cloud.open_channel();
    let (_, waker) = waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(Mqtt::fetch_async(&mut channel));
    let Poll::Ready(result) = future.as_mut().poll(&mut cx) else {
        panic!("without manual delivery the response is there at once");
    };
    assert_eq!(
        result.unwrap_err(),
        FetchError::Item {
            index: BROKER_HOST,
            key: "broker-host",
            scope: Scope::Device,
            store: Store::Config,
            error: ItemError::NotFound
        }
    );

    let mut cloud = common::cloud();
    cloud.channel_fault(ChannelFault::ClosedWhileWaiting);
    let mut channel = cloud.open_channel();
    let mut future = pin!(Mqtt::fetch_async(&mut channel));
    let Poll::Ready(result) = future.as_mut().poll(&mut cx) else {
        panic!("a closed channel ends the wait at once");
    };
    assert_eq!(result.unwrap_err(), FetchError::Wait(WaitError::ChannelClosed));
}

/// A future polled again after it answered answers `Wait(ChannelClosed)`, and sends nothing
/// more: no panic (an `async` block's future would panic there), so that the device fetch has
/// no panic path.
#[test]
fn a_future_polled_after_it_answered_answers_channel_closed() {
    let cloud = cloud();
    let mut channel = cloud.open_channel();
    let (_, waker) = waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(Mqtt::fetch_async(&mut channel));
    let Poll::Ready(first) = future.as_mut().poll(&mut cx) else {
        panic!("without manual delivery the response is there at once");
    };
    assert_eq!(first.unwrap().broker_port, 8883);
    for _ in 0..2 {
        let Poll::Ready(again) = future.as_mut().poll(&mut cx) else {
            panic!("an answered future answers again at once");
        };
        assert_eq!(again.unwrap_err(), FetchError::Wait(WaitError::ChannelClosed));
    }
    assert_eq!(cloud.requests_sent(), 1);
}

/// A future dropped before its first poll sent nothing and leaves the channel open: a fetch on
/// it afterwards works.
#[test]
fn a_future_never_polled_leaves_the_channel_open() {
    let cloud = cloud();
    let mut channel = cloud.open_channel();
    drop(Mqtt::fetch_async(&mut channel));
    assert!(!channel.is_closed());
    assert_eq!(cloud.requests_sent(), 0);
    assert_eq!(Mqtt::fetch(&mut channel).unwrap().broker_port, 8883);
}

/// Polled for a response on a channel that sent no request, a channel answers at once, as
/// the device channel does: there is nothing to wait for.
#[test]
fn polling_without_a_request_is_channel_closed() {
    use microvisor_config::AsyncConfigChannel;
    let cloud = cloud();
    let mut channel = cloud.open_channel();
    let (_, waker) = waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(channel.poll_response(&mut cx), Poll::Ready(Err(WaitError::ChannelClosed)));
}

/// A future whose wait failed closes its channel as it answers, not when it is dropped: a
/// caller that keeps the finished future does not keep the channel open.
#[test]
fn a_failed_wait_closes_the_channel_as_the_future_answers() {
    let cloud = cloud();
    let mut channel = WaitFails(cloud.open_channel(), MvStatus::MICROVISORBUSY);
    let (_, waker) = waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(Mqtt::fetch_async(&mut channel));
    let Poll::Ready(result) = future.as_mut().poll(&mut cx) else {
        panic!("a failed wait answers at once");
    };
    assert_eq!(result.unwrap_err(), FetchError::Wait(WaitError::Status(MvStatus::MICROVISORBUSY)));
    assert_eq!(cloud.channels_closed(), 1, "closed before the future is dropped");
}
