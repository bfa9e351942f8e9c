package io.ecrshare.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The do-nothing function the cold-start figures are compared with: reads its input, writes {}. */
public final class BaselineHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        output.write(new byte[]{'{', '}'});
        output.flush();
    }
}
