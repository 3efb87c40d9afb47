//! The cold-start floor: a `lambda_http` function that builds nothing and answers 200.
//! Same release profile as the functions, so `make bench` can tell the runtime's own start
//! (process, tokio, the first poll of the runtime API) from the functions' set-up.

use lambda_http::{Body, Error, Request, Response, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(|_request: Request| async {
        Ok::<_, Error>(Response::new(Body::from("{}")))
    }))
    .await
}
