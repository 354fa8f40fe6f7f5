package dev.baton.examples;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * An order service on Baton's starter: every instance ships orders (the {@link OrderShipping} task
 * handler), and the one that leads election {@code orders} writes the hourly report
 * ({@link ShippingReport}). Run several instances against one store; see README.md.
 */
@SpringBootApplication
@EnableScheduling
public class OrdersApplication {
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
